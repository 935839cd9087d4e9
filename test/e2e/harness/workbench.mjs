/**
 * Debian's chromium driven by playwright-core, pointed at a code-server workbench, and
 * the few gestures the tests need. Selectors are the ones that work on VS Code 1.100.3
 * (../../../../shared/MACHINE.md).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * @typedef {object} Workbench
 * @property {import('playwright-core').Page} page
 * @property {(name: string) => Promise<string>} screenshot
 * @property {() => Promise<void>} close
 */

/**
 * Opens `origin/?folder=…` (plus any extra query) in a fresh browser profile and waits
 * for the workbench. Screenshots go to artifacts/<label>-NN-<name>.png.
 * @param {string} origin @param {string} folder
 * @param {{ label: string, query?: Record<string, string> }} options
 * @returns {Promise<Workbench>}
 */
export async function openWorkbench(origin, folder, { label, query = {} }) {
  const profile = mkdtempSync(join(tmpdir(), 'scalenet-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.SCALENET_E2E_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
  });
  const close = async () => {
    await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  };
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    // Generous: CI machines have 2 cores, and the JSON server or the sidecar may start
    // while something else is busy.
    page.setDefaultTimeout(45_000);
    const url = new URL(origin);
    url.searchParams.set('folder', folder);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    await page.goto(url.toString());
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    mkdirSync(ARTIFACTS, { recursive: true });
    let shot = 0;
    /** @param {string} name */
    const screenshot = async (name) => {
      const path = join(ARTIFACTS, `${label}-${String(++shot).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path });
      return path;
    };
    return { page, screenshot, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Clicks the editor area so keyboard shortcuts go to the workbench, not the page.
 * @param {import('playwright-core').Page} page
 */
async function focusWorkbench(page) {
  await page.locator('.monaco-workbench').focus();
}

const escapeRegExp = (/** @type {string} */ text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The palette row whose label is exactly `title`.
 * @param {import('playwright-core').Page} page
 * @param {string} title
 */
function paletteRow(page, title) {
  return page
    .locator('.quick-input-widget .monaco-list-row')
    .filter({
      has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }),
    })
    .first();
}

/**
 * Opens the quick input with `shortcut` (F1: commands, Control+P: files) and types `text`
 * into it. A webview that is still loading (an attention-map panel, a markdown preview)
 * can take the focus back a moment after the widget opened, and the widget closes on
 * blur: then its input is hidden and typing would wait forever. So each try is short and
 * a closed widget is opened again from the title bar's command center, which a webview's
 * focus cannot keep from the workbench (it opens Quick Open; `text` says which mode).
 * @param {import('playwright-core').Page} page
 * @param {'F1' | 'Control+P'} shortcut
 * @param {string} text
 */
async function openQuickInput(page, shortcut, text) {
  const widget = page.locator('.quick-input-widget');
  const tries = 4;
  for (let attempt = 1; ; attempt++) {
    try {
      if (attempt === 1) {
        await focusWorkbench(page);
        await page.keyboard.press(shortcut);
      } else {
        if (await widget.isVisible()) await page.keyboard.press('Escape');
        await page.locator('.command-center .command-center-center').first().click();
      }
      await widget.waitFor({ state: 'visible', timeout: 3_000 });
      await widget.locator('input').fill(text, { timeout: 3_000 });
      return widget;
    } catch (error) {
      if (attempt === tries) throw error;
    }
  }
}

/**
 * Opens the quick input, then clicks the row `rowIn(page)` finds, opening the widget
 * again if it closed under us before the row could be clicked (see openQuickInput).
 * @param {import('playwright-core').Page} page
 * @param {'F1' | 'Control+P'} shortcut
 * @param {string} text
 * @param {(page: import('playwright-core').Page) => import('playwright-core').Locator} rowIn
 */
async function chooseQuickInputRow(page, shortcut, text, rowIn) {
  const tries = 3;
  for (let attempt = 1; ; attempt++) {
    const widget = await openQuickInput(page, shortcut, text);
    const row = rowIn(page);
    try {
      await row.waitFor({ state: 'visible', timeout: attempt < tries ? 10_000 : undefined });
      await row.click({ timeout: 5_000 });
    } catch (error) {
      if (attempt === tries || (await widget.isVisible())) throw error;
      continue;
    }
    await widget.waitFor({ state: 'hidden' });
    return;
  }
}

/**
 * F1, type the command's title, click the row whose label is exactly that title.
 * @param {import('playwright-core').Page} page
 * @param {string} title
 */
export async function runCommand(page, title) {
  await chooseQuickInputRow(page, 'F1', `>${title}`, (p) => paletteRow(p, title));
}

/**
 * The labels the palette offers for `text` (after it settles), then closes it: how a
 * test sees whether a command is enabled.
 * @param {import('playwright-core').Page} page
 * @param {string} text
 */
export async function commandPaletteRows(page, text) {
  const widget = await openQuickInput(page, 'F1', `>${text}`);
  await page.waitForTimeout(750);
  const labels = await widget.locator('.monaco-list-row .label-name').allInnerTexts();
  await page.keyboard.press('Escape');
  await widget.waitFor({ state: 'hidden' });
  return labels.map((label) => label.trim());
}

/**
 * Quick Open (Ctrl+P) a workspace file by name and wait for its editor tab.
 * @param {import('playwright-core').Page} page
 * @param {string} fileName
 */
export async function openFile(page, fileName) {
  // Click the file's own row: Enter would take whichever row is focused, and the list of
  // recently opened files can still be showing when the file's row is already visible.
  await chooseQuickInputRow(page, 'Control+P', fileName, (p) =>
    p.locator('.quick-input-widget .monaco-list-row', { hasText: fileName }).first(),
  );
  await page
    .locator('.tabs-container .tab.active', { hasText: fileName })
    .waitFor({ state: 'visible' });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor();
}

/**
 * The ScaleNet status bar item (its id is `<extension id>.scalenet.status`).
 * @param {import('playwright-core').Page} page
 */
export function statusItem(page) {
  return page.locator('.statusbar-item[id$="scalenet.status"]');
}

/**
 * Waits until `read()` returns a truthy value, polling; returns that value.
 * @template T
 * @param {() => T | Promise<T>} read
 * @param {{ timeoutMs?: number, intervalMs?: number, what?: string }} [options]
 * @returns {Promise<NonNullable<T>>}
 */
export async function poll(
  read,
  { timeoutMs = 30_000, intervalMs = 100, what = 'condition' } = {},
) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await read();
    if (last) return last;
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
