/**
 * A built webview (dist/webview/<panel>.js + .css) in real Chromium (playwright-core,
 * Debian's /usr/bin/chromium) under the panels' CSP, with a stub
 * `acquireVsCodeApi` that records what the webview posts. The page is served from a
 * temporary folder over file://, the way VS Code serves it from localResourceRoots.
 */
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ROOT = resolve(__dirname, '../..');
export const ARTIFACTS = join(ROOT, 'test/e2e/artifacts/webview');
const CHROMIUM = '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined when they can. */
export function skipReason(): string | undefined {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM}`;
  if (!existsSync(join(ROOT, 'dist/webview/lossCurves.js')))
    return 'dist/webview is not built (npm run build)';
  return undefined;
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

export interface PanelPage {
  page: Page;
  /** Console errors and CSP violations seen so far. */
  errors: string[];
  /** Messages the webview posted to its host. */
  posted(): Promise<{ type: string; [key: string]: unknown }[]>;
  send(message: unknown): Promise<void>;
}

export async function openPanel(
  browser: Browser,
  panel: string,
  state?: unknown,
): Promise<PanelPage> {
  const dir = mkdtempSync(join(tmpdir(), `scalenet-webview-${panel}-`));
  copyFileSync(join(ROOT, `dist/webview/${panel}.js`), join(dir, `${panel}.js`));
  const css = existsSync(join(ROOT, `dist/webview/${panel}.css`));
  if (css) copyFileSync(join(ROOT, `dist/webview/${panel}.css`), join(dir, `${panel}.css`));
  const nonce = 'test-nonce-0123456789';
  // The CSP the panel hosts set, with file: standing in for webview.cspSource.
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src file: 'nonce-${nonce}'; img-src file: blob: data:; font-src file:`;
  writeFileSync(
    join(dir, 'index.html'),
    `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta property="csp-nonce" content="${nonce}">
${css ? `<link rel="stylesheet" href="${panel}.css">` : ''}
<script nonce="${nonce}">
  window.__posted = [];
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) =>
    window.__violations.push(e.violatedDirective + ' ' + e.sourceFile + ':' + e.lineNumber + ' ' + e.sample));
  window.__state = ${JSON.stringify(state ?? null)};
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__posted.push(m),
    getState: () => window.__state,
    setState: (s) => { window.__state = s; },
  });
  // VS Code sets the theme variables from its own script, as here (no inline styles).
  for (const [k, v] of Object.entries({
    '--vscode-foreground': '#cccccc', '--vscode-editor-background': '#1e1e1e',
    '--vscode-font-family': 'sans-serif', '--vscode-font-size': '13px',
    '--vscode-descriptionForeground': '#9d9d9d', '--vscode-charts-blue': '#3794ff',
    '--vscode-charts-red': '#f14c4c', '--vscode-editorWidget-border': '#454545',
  })) document.documentElement.style.setProperty(k, v);
</script></head>
<body>
<script nonce="${nonce}" src="${panel}.js"></script></body></html>`,
  );
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`file://${join(dir, 'index.html')}`);
  return {
    page,
    errors,
    posted: () =>
      page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted),
    send: (message) => page.evaluate((m) => window.postMessage(m, '*'), message),
  };
}
