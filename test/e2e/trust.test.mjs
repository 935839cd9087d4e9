/**
 * What issue 13 found a new user hitting, in a real VS Code (the packaged .vsix in
 * code-server): Grad-CAM reachable for a config with its own runsDir from the palette,
 * the CodeLens and the Runs view (the highest item); schema validation of a copied
 * example without "$schema" (12); Train on a config with errors asks first (13);
 * evaluation progress shown as itself (14); downstream results, start times and a saved
 * comparison (18); a run whose data fails to load ends failed and can be deleted (2).
 * One code-server and one workbench; the tests run in order and share the trained run.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { installExtension, startCodeServer } from './harness/codeServer.mjs';
import { ROOT, packagedVsix } from './harness/extension.mjs';
import { recorded, recordWhatTheUserSees, resetRecording } from './harness/recording.mjs';
import { readSummary, runFolders } from './harness/runStore.mjs';
import { createSandbox, TINY_CONFIG } from './harness/sandbox.mjs';
import { openFile, openWorkbench, poll, runCommand } from './harness/workbench.mjs';

const RUN_TIMEOUT_MS = 180_000;
const LABELS = 100;

/** The tiny run with its own runs folder and a small fine-tune evaluation. */
const OWN_CONFIG = {
  ...TINY_CONFIG,
  name: 'e2e-own',
  evaluation: {
    testImages: 100,
    knn: { enabled: false },
    finetune: { labels: [LABELS], epochs: 2, lr: 0.02 },
  },
  runsDir: 'runs-own',
};

/** Two scales but three epoch entries: an error of ours, not of the schema. */
const SEMANTIC_CONFIG = {
  ...TINY_CONFIG,
  name: 'e2e-semantic',
  pretext: { ...TINY_CONFIG.pretext, scales: [0.5, 1], epochs: [1, 1, 1], lr: [0.05] },
};

/** A folder dataset whose folder exists but has no class subfolders. */
const NODATA_CONFIG = {
  ...TINY_CONFIG,
  name: 'e2e-nodata',
  data: { dataset: 'folder', path: 'empty-images', channels: 1, limit: 200 },
};

/** @param {string} path @param {unknown} value */
const writeJson = (path, value) => writeFileSync(path, JSON.stringify(value, null, 2) + '\n');

describe('What a new user hits (issue 13) in a real VS Code', () => {
  const started = Date.now();
  /** @type {import('./harness/sandbox.mjs').Sandbox} */ let sandbox;
  /** @type {import('./harness/codeServer.mjs').CodeServer | undefined} */ let server;
  /** @type {import('./harness/workbench.mjs').Workbench} */ let workbench;
  /** @type {import('playwright-core').Page} */ let page;
  let passed = false;

  before(async () => {
    const vsix = packagedVsix();
    sandbox = createSandbox('trust');
    const ws = sandbox.workspace;
    writeJson(join(ws, 'own.scalenet.json'), OWN_CONFIG);
    writeJson(join(ws, 'semantic.scalenet.json'), SEMANTIC_CONFIG);
    writeJson(join(ws, 'nodata.scalenet.json'), NODATA_CONFIG);
    mkdirSync(join(ws, 'empty-images'));
    writeFileSync(join(ws, 'empty-images', 'README.txt'), 'no class folders here\n');
    // A shipped example as a user copies it, one value misspelt.
    const example = readFileSync(join(ROOT, 'examples/small/fashion-rotnet.scalenet.json'), 'utf8');
    assert.ok(!example.includes('$schema'), 'the example relies on the extension for its schema');
    mkdirSync(join(ws, 'examples', 'small'), { recursive: true });
    copyFileSync(
      join(ROOT, 'examples/small/fashion-rotnet.scalenet.json'),
      join(ws, 'examples/small/fashion-rotnet.scalenet.json'),
    );
    writeFileSync(
      join(ws, 'examples/small/fashion-bad.scalenet.json'),
      example.replace('"inputMode": "original"', '"inputMode": "grey"'),
    );
    installExtension(sandbox, vsix);
    server = await startCodeServer(sandbox);
    workbench = await openWorkbench(server.origin, ws, { label: 'trust' });
    page = workbench.page;
    await recordWhatTheUserSees(page);
  });

  beforeEach(() => {
    passed = false;
  });

  afterEach(async () => {
    if (!passed) await workbench?.screenshot('FAILED').catch(() => {});
    await page?.keyboard.press('Escape').catch(() => {});
    await runCommand(page, 'Notifications: Clear All Notifications').catch(() => {});
  });

  after(async () => {
    await workbench?.close();
    await server?.stop();
    sandbox?.remove();
    console.log(`trust suite: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  /** The ▶ Train lens of the open config, once its text has settled. */
  const trainLens = () =>
    page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Train' });

  /** The Runs view, opened from the activity bar. */
  const runsView = async () => {
    const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Runs' }) });
    // The activity-bar icon toggles: a second click would hide the view again.
    if (!(await view.isVisible())) {
      await page.locator('.activitybar .action-item a[aria-label^="ScaleNet"]').first().click();
    }
    await view.waitFor();
    return view;
  };

  /** Chooses a context-menu item; Enter on it if the click did not close the menu. */
  const chooseMenuItem = async (/** @type {string} */ label) => {
    const item = page.locator('.context-view .monaco-menu .action-label', { hasText: label });
    await item.click();
    const menu = page.locator('.context-view .monaco-menu');
    await menu.waitFor({ state: 'hidden', timeout: 2_000 }).catch(async () => {
      await item.hover();
      await page.keyboard.press('Enter');
      await menu.waitFor({ state: 'hidden' });
    });
  };

  /** Right-clicks a row and returns the labels of its context menu (left open). */
  const contextMenu = async (/** @type {import('playwright-core').Locator} */ row) => {
    await row.click({ button: 'right' });
    const items = page.locator('.context-view .monaco-menu .action-item .action-label');
    await items.first().waitFor();
    return (await items.allInnerTexts()).map((t) => t.trim()).filter((t) => t !== '');
  };

  /** The attention-maps panel's frame, and the labels and ticks of its Runs boxes. */
  const attentionRuns = async () => {
    const frame = await poll(
      async () => {
        for (const f of page.frames()) {
          if (await f.$('input[aria-label="Opacity"]').catch(() => null)) return f;
        }
        return undefined;
      },
      { timeoutMs: 60_000, what: 'the attention-maps panel' },
    );
    const boxes = frame
      .locator('fieldset', { has: frame.locator('legend', { hasText: 'Runs' }) })
      .locator('vscode-checkbox');
    await poll(async () => (await boxes.count()) > 0, {
      what: 'a run in the attention-maps panel',
      timeoutMs: 30_000,
    }).catch(() => {});
    const runs = await boxes.evaluateAll((all) =>
      all.map((b) => ({
        label: (b.textContent ?? '').trim(),
        checked: /** @type {HTMLElement & { checked: boolean }} */ (b).checked,
      })),
    );
    const status = await frame
      .locator('.status')
      .innerText()
      .catch(() => '');
    return { runs, status };
  };

  it('12: a copied example without "$schema" gets the schema: squiggle and Problems entry', async () => {
    await openFile(page, 'fashion-bad.scalenet.json');
    await page.locator('.monaco-editor .squiggly-warning').first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Control+Shift+M');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'not accepted' });
    await row.first().waitFor({ timeout: 30_000 });
    await workbench.screenshot('example-copy-problems');
    assert.match(await row.first().innerText(), /Valid values: "original", "harris"/);
    await page.keyboard.press('Control+Shift+M');
    passed = true;
  });

  it('13: a config with errors reads "▶ Train (N problems)" and Train asks first', async () => {
    await runCommand(page, 'View: Close All Editors');
    await openFile(page, 'semantic.scalenet.json');
    // The lens counts the config's errors: its own rules' (3 epoch entries for 2 scales).
    const count = await poll(
      async () => /▶ Train \((\d+) problems?\)/.exec(await trainLens().first().innerText())?.[1],
      { what: 'the lens counting the problems' },
    );
    await workbench.screenshot('semantic-lens');
    await trainLens().first().click();
    const toast = page.locator('.notification-toast', { hasText: `has ${count} problem` });
    await toast.waitFor({ timeout: 30_000 });
    await workbench.screenshot('semantic-train-warning');
    const text = await toast.innerText();
    assert.match(
      text,
      new RegExp(`e2e-semantic has ${count} problems?; the first, on line \\d+: `),
    );
    const buttons = await toast.locator('a.monaco-button').allInnerTexts();
    assert.deepEqual(
      buttons.map((b) => b.trim()),
      ['Show Problems', 'Train Anyway'],
    );
    await toast.locator('a.monaco-button', { hasText: 'Show Problems' }).click();
    await page
      .locator('.markers-panel .monaco-list-row', { hasText: 'has 3 entries' })
      .first()
      .waitFor();
    assert.deepEqual(runFolders(sandbox.workspace, 'e2e-semantic'), [], 'no run started');
    await runCommand(page, 'View: Hide Panel');
    passed = true;
  });

  it('14 and 18: a run with its own runsDir shows its evaluation as itself and ends with the fine-tune result', async (t) => {
    await runCommand(page, 'View: Close All Editors');
    await openFile(page, 'own.scalenet.json');
    await poll(async () => /▶ Train$/.test((await trainLens().first().innerText()).trim()), {
      what: 'the ▶ Train lens',
    });
    await resetRecording(page);
    await trainLens().first().click();
    const toast = page.locator('.notification-toast', { hasText: 'e2e-own finished' });
    await toast.waitFor({ timeout: RUN_TIMEOUT_MS });
    await workbench.screenshot('own-finished');
    const seen = await recorded(page);
    t.diagnostic(`status bar: ${JSON.stringify(seen.status)}`);
    t.diagnostic(`notifications: ${JSON.stringify(seen.toasts)}`);
    const evaluation = new RegExp(`fine-tune, ${LABELS} labels`);
    assert.ok(
      [...seen.status, ...seen.toasts].some((s) => evaluation.test(s) && !/finished/.test(s)),
      `the evaluation shown as itself: ${JSON.stringify([...seen.status, ...seen.toasts])}`,
    );
    const nonsense = [...seen.status, ...seen.toasts, ...seen.lens].filter((s) =>
      /\b0px\b|epoch 0\//.test(s),
    );
    assert.deepEqual(nonsense, [], 'no "0px" or "epoch 0/"');
    assert.match(await toast.innerText(), new RegExp(`fine-tune, ${LABELS} labels \\d+\\.\\d%`));

    const own = readdirSync(join(sandbox.workspace, 'runs-own')).filter((d) =>
      d.startsWith('e2e-own-'),
    );
    assert.equal(own.length, 1, `one run in runs-own: ${JSON.stringify(own)}`);
    const summary = readSummary(join(sandbox.workspace, 'runs-own', own[0]));
    assert.equal(summary?.status, 'completed');
    assert.ok(summary?.latestCheckpoint, 'a checkpoint');
    // What test 10 relies on: a trained workspace has a sidecar that sidecarsOf finds.
    assert.ok(sidecarsOf(sandbox.home).length > 0, 'the sidecar of this run is found');
    passed = true;
  });

  it('Highest: "Open Attention Maps" from the palette lists the run of the own runsDir', async () => {
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'ScaleNet: Open Attention Maps');
    const { runs, status } = await attentionRuns();
    await workbench.screenshot('attention-from-palette');
    assert.doesNotMatch(status, /No runs with a checkpoint/);
    assert.ok(
      runs.some((r) => r.label.includes('e2e-own') && r.checked),
      `e2e-own listed and selected: ${JSON.stringify(runs)} (${status})`,
    );
    passed = true;
  });

  it('Highest: the config\'s "Attention maps" CodeLens opens on its run', async () => {
    await runCommand(page, 'View: Close All Editors');
    await openFile(page, 'own.scalenet.json');
    const lens = page.locator('.monaco-editor .codelens-decoration a', {
      hasText: 'Attention maps',
    });
    await lens.first().waitFor();
    await lens.first().click();
    const { runs, status } = await attentionRuns();
    await workbench.screenshot('attention-from-lens');
    assert.doesNotMatch(status, /No runs with a checkpoint/);
    assert.ok(
      runs.some((r) => r.label.includes('e2e-own') && r.checked),
      `e2e-own listed and selected: ${JSON.stringify(runs)} (${status})`,
    );
    passed = true;
  });

  it('Highest and 18: the Runs view shows the start time; its context menu opens attention maps and saves a comparison', async () => {
    await runCommand(page, 'View: Close All Editors');
    const view = await runsView();
    const row = view.locator('.monaco-list-row', { hasText: 'e2e-own' }).first();
    await row.waitFor({ timeout: 30_000 });
    assert.match(await row.innerText(), /[A-Z][a-z]{2} \d{1,2} \d\d:\d\d/, 'the start time');
    assert.equal(await row.locator('.codicon-pass').count(), 1, 'completed');
    const menu = await contextMenu(row);
    await workbench.screenshot('runs-context-menu');
    assert.ok(menu.includes('Open Attention Maps'), JSON.stringify(menu));
    assert.ok(menu.includes('Compare Runs'), JSON.stringify(menu));
    await chooseMenuItem('Open Attention Maps');
    const { runs, status } = await attentionRuns();
    await workbench.screenshot('attention-from-runs-view');
    assert.doesNotMatch(status, /No runs with a checkpoint/);
    assert.ok(
      runs.some((r) => r.label.includes('e2e-own') && r.checked),
      `e2e-own listed and selected: ${JSON.stringify(runs)} (${status})`,
    );

    await contextMenu(row);
    await chooseMenuItem('Compare Runs');
    const comparison = await poll(
      () =>
        readdirSync(join(sandbox.workspace, 'runs-own')).find((f) =>
          /^comparison-\d{8}-\d{6}\.md$/.test(f),
        ),
      { what: 'comparison-*.md in runs-own' },
    );
    const table = readFileSync(join(sandbox.workspace, 'runs-own', comparison), 'utf8');
    assert.match(table, /e2e-own/);
    await page
      .locator('.tabs-container .tab', { hasText: 'comparison-' })
      .first()
      .waitFor({ timeout: 30_000 });
    await workbench.screenshot('comparison-saved');
    passed = true;
  });

  it('2: a run whose data fails to load ends failed, not spinning, and Delete is offered', async () => {
    // The comparison's markdown preview (a webview) holds the keyboard focus: give it back
    // to the workbench, or F1 goes to the preview.
    await page.locator('.activitybar .action-item a[aria-label^="Explorer"]').first().click();
    await runCommand(page, 'View: Close All Editors');
    await openFile(page, 'nodata.scalenet.json');
    await poll(async () => /▶ Train$/.test((await trainLens().first().innerText()).trim()), {
      what: 'the ▶ Train lens',
    });
    await trainLens().first().click();
    const folder = await poll(() => runFolders(sandbox.workspace, NODATA_CONFIG.name)[0], {
      timeoutMs: 60_000,
      what: 'the run folder',
    });
    const summary = await poll(
      () => {
        const s = readSummary(folder);
        return s && s.status !== 'running' ? s : undefined;
      },
      { timeoutMs: 60_000, what: 'summary.json to leave "running"' },
    );
    assert.equal(summary.status, 'failed');
    assert.match(JSON.stringify(summary.error), /empty-images|class|folder/i);
    const view = await runsView();
    const row = view.locator('.monaco-list-row', { hasText: 'e2e-nodata' }).first();
    await row.waitFor({ timeout: 30_000 });
    await poll(async () => (await row.locator('.codicon-error').count()) === 1, {
      what: 'the failed icon',
    });
    assert.equal(await row.locator('.codicon-sync').count(), 0, 'not spinning');
    const menu = await contextMenu(row);
    await workbench.screenshot('failed-run-menu');
    assert.ok(menu.includes('Delete Run'), JSON.stringify(menu));
    passed = true;
  });
});

describe('10: restricted mode (workspace trust on, the folder not trusted)', () => {
  /** @type {import('./harness/sandbox.mjs').Sandbox} */ let sandbox;
  /** @type {import('./harness/codeServer.mjs').CodeServer | undefined} */ let server;
  /** @type {import('./harness/workbench.mjs').Workbench} */ let workbench;

  before(async () => {
    sandbox = createSandbox('untrusted', { workspaceTrust: true });
    installExtension(sandbox, packagedVsix());
    server = await startCodeServer(sandbox, { workspaceTrust: true });
    workbench = await openWorkbench(server.origin, sandbox.workspace, { label: 'untrusted' });
  });

  after(async () => {
    await workbench?.close();
    await server?.stop();
    sandbox?.remove();
  });

  it('"Preview Harris Images" says it runs only in trusted workspaces and opens nothing', async () => {
    const { page } = workbench;
    // VS Code asks about the folder first; the user does not trust it.
    const dontTrust = page.locator('.monaco-dialog-box .monaco-button', {
      hasText: "No, I don't trust the authors",
    });
    await dontTrust.waitFor({ timeout: 60_000 });
    await workbench.screenshot('trust-prompt');
    await dontTrust.click();
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor();
    await openFile(page, 'tiny.scalenet.json');
    await runCommand(page, 'ScaleNet: Preview Harris Images');
    const toast = page.locator('.notification-toast', { hasText: 'only in trusted workspaces' });
    try {
      await toast.waitFor({ timeout: 30_000 });
    } finally {
      await workbench.screenshot('harris-refused');
    }
    assert.match(await toast.innerText(), /ScaleNet previews images only in trusted workspaces/);
    assert.equal(
      await page.locator('.tabs-container .tab', { hasText: 'Harris' }).count(),
      0,
      'no Harris panel',
    );
    assert.deepEqual(sidecarsOf(sandbox.home), [], 'no sidecar started, so nothing was read');
  });
});

/**
 * Command lines of the ScaleNet sidecars started from the code-server whose HOME is
 * `home` (only its processes have that HOME).
 * @param {string} home
 */
function sidecarsOf(home) {
  /** @type {string[]} */
  const found = [];
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      if (!readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`HOME=${home}`))
        continue;
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ');
      if (/sidecar/i.test(cmdline)) found.push(cmdline.trim());
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}
