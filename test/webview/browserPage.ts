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
import type {
  AttentionChannel,
  HarrisChannel,
  HostWire,
  LossCurvesChannel,
  RepresentationMapChannel,
} from '../../webview/protocol';

/** What a panel host may send to any of the four webviews (replies included). */
export type HostMessage =
  | HostWire<LossCurvesChannel>
  | HostWire<HarrisChannel>
  | HostWire<AttentionChannel>
  | HostWire<RepresentationMapChannel>;

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

export type ThemeName = 'dark' | 'light' | 'highContrast';

const FONTS = {
  '--vscode-font-family': 'sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-font-weight': 'normal',
  '--vscode-editor-font-family': 'monospace',
  '--vscode-editor-font-size': '14px',
};

/**
 * VS Code's default themes as a webview sees them: the `--vscode-*` variables it sets on
 * <html> (colorRegistry defaults plus the theme's own colours; a colour the theme leaves
 * unset, like button.background in High Contrast, is not set at all) and the body
 * class / data-vscode-theme-kind the UI toolkit reads.
 */
export const THEMES: Record<
  ThemeName,
  { name: string; kind: string; vars: Record<string, string> }
> = {
  dark: {
    name: 'Dark Modern',
    kind: 'vscode-dark',
    vars: {
      ...FONTS,
      '--vscode-foreground': '#cccccc',
      '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-errorForeground': '#f85149',
      '--vscode-focusBorder': '#0078d4',
      '--vscode-editor-background': '#1f1f1f',
      '--vscode-editor-foreground': '#cccccc',
      '--vscode-button-background': '#0078d4',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-border': '#ffffff12',
      '--vscode-button-hoverBackground': '#026ec1',
      '--vscode-button-secondaryBackground': '#313131',
      '--vscode-button-secondaryForeground': '#cccccc',
      '--vscode-button-secondaryHoverBackground': '#3c3c3c',
      '--vscode-checkbox-background': '#313131',
      '--vscode-checkbox-border': '#3c3c3c',
      '--vscode-checkbox-foreground': '#cccccc',
      '--vscode-dropdown-background': '#313131',
      '--vscode-dropdown-border': '#3c3c3c',
      '--vscode-dropdown-foreground': '#cccccc',
      '--vscode-dropdown-listBackground': '#1f1f1f',
      '--vscode-input-background': '#313131',
      '--vscode-input-border': '#3c3c3c',
      '--vscode-input-foreground': '#cccccc',
      '--vscode-input-placeholderForeground': '#989898',
      '--vscode-panel-border': '#2b2b2b',
      '--vscode-widget-border': '#313131',
      '--vscode-editorWidget-border': '#454545',
      '--vscode-charts-foreground': '#cccccc',
      '--vscode-charts-lines': '#cccccc80',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-red': '#f14c4c',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-yellow': '#cca700',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-purple': '#b180d7',
    },
  },
  light: {
    name: 'Light Modern',
    kind: 'vscode-light',
    vars: {
      ...FONTS,
      '--vscode-foreground': '#3b3b3b',
      '--vscode-descriptionForeground': '#3b3b3b',
      '--vscode-errorForeground': '#f85149',
      '--vscode-focusBorder': '#005fb8',
      '--vscode-editor-background': '#ffffff',
      '--vscode-editor-foreground': '#3b3b3b',
      '--vscode-button-background': '#005fb8',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-border': '#0000001a',
      '--vscode-button-hoverBackground': '#0258a8',
      '--vscode-button-secondaryBackground': '#e5e5e5',
      '--vscode-button-secondaryForeground': '#3b3b3b',
      '--vscode-button-secondaryHoverBackground': '#cccccc',
      '--vscode-checkbox-background': '#f8f8f8',
      '--vscode-checkbox-border': '#cecece',
      '--vscode-checkbox-foreground': '#3b3b3b',
      '--vscode-dropdown-background': '#ffffff',
      '--vscode-dropdown-border': '#cecece',
      '--vscode-dropdown-foreground': '#3b3b3b',
      '--vscode-dropdown-listBackground': '#ffffff',
      '--vscode-input-background': '#ffffff',
      '--vscode-input-border': '#cecece',
      '--vscode-input-foreground': '#3b3b3b',
      '--vscode-input-placeholderForeground': '#767676',
      '--vscode-panel-border': '#e5e5e5',
      '--vscode-widget-border': '#e5e5e5',
      '--vscode-editorWidget-border': '#c8c8c8',
      '--vscode-charts-foreground': '#616161',
      '--vscode-charts-lines': '#61616180',
      '--vscode-charts-blue': '#1a85ff',
      '--vscode-charts-red': '#e51400',
      '--vscode-charts-green': '#388a34',
      '--vscode-charts-yellow': '#bf8803',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-purple': '#652d90',
    },
  },
  highContrast: {
    name: 'Dark High Contrast',
    kind: 'vscode-high-contrast',
    vars: {
      ...FONTS,
      '--vscode-foreground': '#ffffff',
      '--vscode-descriptionForeground': '#ffffffb3',
      '--vscode-errorForeground': '#f48771',
      '--vscode-focusBorder': '#f38518',
      '--vscode-contrastBorder': '#6fc3df',
      '--vscode-contrastActiveBorder': '#f38518',
      '--vscode-editor-background': '#000000',
      '--vscode-editor-foreground': '#ffffff',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-border': '#6fc3df',
      '--vscode-button-secondaryForeground': '#ffffff',
      '--vscode-checkbox-background': '#000000',
      '--vscode-checkbox-border': '#6fc3df',
      '--vscode-checkbox-foreground': '#ffffff',
      '--vscode-dropdown-background': '#000000',
      '--vscode-dropdown-border': '#6fc3df',
      '--vscode-dropdown-foreground': '#ffffff',
      '--vscode-dropdown-listBackground': '#000000',
      '--vscode-input-background': '#000000',
      '--vscode-input-border': '#6fc3df',
      '--vscode-input-foreground': '#ffffff',
      '--vscode-input-placeholderForeground': '#ffffffb3',
      '--vscode-panel-border': '#6fc3df',
      '--vscode-widget-border': '#6fc3df',
      '--vscode-editorWidget-border': '#6fc3df',
      '--vscode-charts-foreground': '#ffffff',
      '--vscode-charts-lines': '#ffffff80',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-red': '#f48771',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-yellow': '#ffd370',
      '--vscode-charts-orange': '#ab5a00',
      '--vscode-charts-purple': '#b180d7',
    },
  },
};

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
  theme: ThemeName = 'dark',
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
  for (const [k, v] of Object.entries(${JSON.stringify(THEMES[theme].vars)}))
    document.documentElement.style.setProperty(k, v);
</script></head>
<body class="${THEMES[theme].kind}" data-vscode-theme-kind="${THEMES[theme].kind}" data-vscode-theme-name="${THEMES[theme].name}">
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
