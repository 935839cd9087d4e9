/**
 * UI end-to-end tests: the packaged .vsix installed into code-server 4.100.3 (VS Code
 * 1.100.3), a workspace with small configs, and chromium clicking through what a user
 * does. The tests share one workbench and run in order; each saves screenshots to
 * artifacts/.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { installExtension, startCodeServer } from './harness/codeServer.mjs';
import { contributesView, packagedVsix } from './harness/extension.mjs';
import { readMetrics, readSummary, runFolders } from './harness/runStore.mjs';
import { BROKEN_CONFIG_TEXT, createSandbox, LONG_CONFIG, TINY_CONFIG } from './harness/sandbox.mjs';
import {
  commandPaletteRows,
  openFile,
  openWorkbench,
  poll,
  runCommand,
  statusItem,
} from './harness/workbench.mjs';
import { recorded, recordWhatTheUserSees, resetRecording } from './harness/recording.mjs';

const RUN_TIMEOUT_MS = 120_000;

describe('ScaleNet in a real VS Code (packaged .vsix in code-server)', () => {
  const started = Date.now();
  /** @type {import('./harness/sandbox.mjs').Sandbox} */ let sandbox;
  /** @type {import('./harness/codeServer.mjs').CodeServer | undefined} */ let server;
  /** @type {import('./harness/workbench.mjs').Workbench} */ let workbench;
  /** @type {import('playwright-core').Page} */ let page;

  const seconds = (/** @type {number} */ since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

  before(async () => {
    const vsix = packagedVsix();
    sandbox = createSandbox('ui');
    installExtension(sandbox, vsix);
    server = await startCodeServer(sandbox);
    workbench = await openWorkbench(server.origin, sandbox.workspace, { label: 'ui' });
    page = workbench.page;
    await recordWhatTheUserSees(page);
    console.log(`setup (package, install, start, open): ${seconds(started)}`);
  });

  /** Set by each test as its last line; afterEach screenshots the ones that failed. */
  let passed = false;
  /** The broken config's start error, as the notification showed it. */
  let refusal = '';
  beforeEach(() => {
    passed = false;
  });

  afterEach(async () => {
    if (!passed) await workbench?.screenshot('FAILED').catch(() => {});
    // Whatever a test left (a notification, a quick pick) must not confuse the next.
    await page?.keyboard.press('Escape').catch(() => {});
    await runCommand(page, 'Notifications: Clear All Notifications').catch(() => {});
  });

  after(async () => {
    await workbench?.close();
    await server?.stop();
    sandbox?.remove();
    console.log(`ui suite: ${seconds(started)}`);
  });

  it('the schema flags an unknown data.inputMode in a broken config (squiggle and Problems)', async () => {
    await openFile(page, 'broken.scalenet.json');
    await page.locator('.monaco-editor .squiggly-warning').first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Control+Shift+M');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'not accepted' });
    await row.first().waitFor({ timeout: 30_000 });
    await workbench.screenshot('broken-config-problems');
    const texts = await page.locator('.markers-panel .monaco-list-row').allInnerTexts();
    const problems = texts.filter((t) => /not accepted/.test(t));
    assert.equal(problems.length, 1, `one schema problem in ${JSON.stringify(texts)}`);
    // The value's position in the file, 1-based, as the Problems panel shows it.
    const before = BROKEN_CONFIG_TEXT.slice(0, BROKEN_CONFIG_TEXT.indexOf('"greyscale"'));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    const [problem] = problems;
    assert.match(problem, /Valid values: "original", "harris", "gray", "gray-harris", "hybrid"/);
    assert.match(problem, new RegExp(`\\[Ln ${line}, Col ${column}\\]`));
    await page.keyboard.press('Control+Shift+M'); // close the panel again
    passed = true;
  });

  it('the "▶ Train" CodeLens trains the small config: status bar progress, then completed', async (t) => {
    const t0 = Date.now();
    await openFile(page, 'tiny.scalenet.json');
    const lens = page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Train' });
    await poll(
      async () => (await lens.count()) > 0 && /▶ Train/.test(await lens.first().innerText()),
      {
        what: 'the ▶ Train CodeLens',
      },
    );
    await workbench.screenshot('tiny-config-lens');
    await resetRecording(page);
    await lens.first().click();

    await poll(async () => /epoch \d+\/1/.test(await statusItem(page).innerText()), {
      timeoutMs: RUN_TIMEOUT_MS,
      intervalMs: 50,
      what: 'the status bar to show the epoch',
    }).catch(() => {}); // the recording below is the real check; the run may be that quick
    await workbench.screenshot('tiny-training-status');

    const toast = page.locator('.notification-toast', { hasText: 'e2e-tiny finished' });
    await toast.waitFor({ timeout: RUN_TIMEOUT_MS });
    await workbench.screenshot('tiny-finished');
    const seen = await recorded(page);
    console.log(`tiny run (click to finished notification): ${seconds(t0)}`);
    t.diagnostic(`status bar texts: ${JSON.stringify(seen.status)}`);
    t.diagnostic(`CodeLens texts: ${JSON.stringify(seen.lens)}`);

    assert.ok(
      seen.status.some((t) => /ScaleNet stage 1\/1 · epoch 1\/1 · (ETA \S+|evaluating…)/.test(t)),
      `status bar showed stage/epoch: ${JSON.stringify(seen.status)}`,
    );
    assert.ok(
      seen.lens.some((t) => /■ Stop \| stage 1\/1 · epoch 1\/1/.test(t)),
      `the lens offered Stop with the live progress: ${JSON.stringify(seen.lens)}`,
    );
    assert.ok(
      seen.toasts.some((t) => t.includes('ScaleNet: training e2e-tiny')),
      `a progress notification: ${JSON.stringify(seen.toasts)}`,
    );
    assert.match(await toast.innerText(), /pretext accuracy \d+(\.\d)?%/);

    const folders = runFolders(sandbox.workspace, TINY_CONFIG.name);
    assert.equal(folders.length, 1, `one run folder: ${JSON.stringify(folders)}`);
    const summary = readSummary(folders[0]);
    assert.ok(summary, 'summary.json is written');
    assert.equal(summary.status, 'completed');
    const accuracy = summary.metrics['pretext/accuracy'];
    assert.ok(accuracy >= 0 && accuracy <= 1, `pretext/accuracy ${accuracy}`);
    assert.ok(summary.latestCheckpoint, 'a checkpoint is named');
    assert.ok(existsSync(join(folders[0], summary.latestCheckpoint, 'model.json')));
    assert.ok(readMetrics(folders[0]).length > 0, 'metrics.jsonl has lines');

    // Idle again: the backend label, and the lens back to ▶ Train.
    await poll(async () => /^ScaleNet: \S/.test((await statusItem(page).innerText()).trim()), {
      what: 'the idle status bar with the backend',
    });
    await poll(async () => /▶ Train/.test(await lens.first().innerText()), {
      what: 'the lens back to ▶ Train',
    });
    await workbench.screenshot('tiny-idle-again');
    passed = true;
  });

  it('"ScaleNet: Train" then "ScaleNet: Stop Training" from the palette stops with a checkpoint', async (t) => {
    const t0 = Date.now();
    const STOP = 'ScaleNet: Stop Training';
    assert.ok(
      !(await commandPaletteRows(page, STOP)).includes(STOP),
      'Stop Training is not offered without a run',
    );
    await openFile(page, 'long.scalenet.json');
    await resetRecording(page);
    await runCommand(page, 'ScaleNet: Train');
    const epochs = LONG_CONFIG.pretext.epochs[0];
    await poll(
      async () => new RegExp(`epoch \\d+/${epochs}`).test(await statusItem(page).innerText()),
      {
        timeoutMs: RUN_TIMEOUT_MS,
        what: `the status bar to show epoch n/${epochs}`,
      },
    );
    await workbench.screenshot('long-training');
    assert.ok(
      (await commandPaletteRows(page, STOP)).includes(STOP),
      'Stop Training is offered during the run',
    );
    await runCommand(page, STOP);
    const toast = page.locator('.notification-toast', { hasText: 'e2e-long stopped' });
    await toast.waitFor({ timeout: 60_000 });
    await workbench.screenshot('long-stopped');
    console.log(`long run (train to stopped notification): ${seconds(t0)}`);
    const seen = await recorded(page);
    t.diagnostic(`status bar texts: ${JSON.stringify(seen.status)}`);
    t.diagnostic(`CodeLens texts: ${JSON.stringify(seen.lens)}`);

    assert.match(await toast.innerText(), /can resume from its checkpoint/);
    const folders = runFolders(sandbox.workspace, LONG_CONFIG.name);
    assert.equal(folders.length, 1, `one run folder: ${JSON.stringify(folders)}`);
    const summary = await poll(
      () => {
        const s = readSummary(folders[0]);
        return s && s.status !== 'running' ? s : undefined;
      },
      { what: 'summary.json to leave "running"' },
    );
    assert.equal(summary.status, 'stopped');
    assert.ok(summary.latestCheckpoint, `a checkpoint is named: ${JSON.stringify(summary)}`);
    const checkpoint = join(folders[0], summary.latestCheckpoint);
    for (const file of ['model.json', 'weights.bin', 'state.json']) {
      assert.ok(existsSync(join(checkpoint, file)), `${summary.latestCheckpoint}/${file} exists`);
    }
    const finishedEpochs = new Set(readMetrics(folders[0]).map((m) => m.epoch));
    assert.ok(finishedEpochs.size < epochs, `stopped before ${epochs} epochs`);
    await poll(async () => /^ScaleNet: \S/.test((await statusItem(page).innerText()).trim()), {
      what: 'the idle status bar after the stop',
    });
    const lens = page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Train' });
    await poll(
      async () => (await lens.count()) > 0 && /▶ Train/.test(await lens.first().innerText()),
      {
        what: 'the lens back to ▶ Train after the stop',
      },
    );
    assert.ok(!(await commandPaletteRows(page, STOP)).includes(STOP), 'Stop Training gone again');
    passed = true;
  });

  it('the Runs view lists the completed run and the stopped one', async (t) => {
    if (!contributesView('scalenet.runs')) {
      passed = true;
      t.skip('the manifest contributes no scalenet.runs view yet');
      return;
    }
    await page.locator('.activitybar .action-item a[aria-label^="ScaleNet"]').first().click();
    const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Runs' }) });
    const row = (/** @type {string} */ name) =>
      view.locator('.monaco-list-row', { hasText: name }).first();
    await row(TINY_CONFIG.name).waitFor({ timeout: 30_000 });
    await row(LONG_CONFIG.name).waitFor({ timeout: 30_000 });
    await workbench.screenshot('runs-view');
    const tiny = row(TINY_CONFIG.name);
    assert.match(await tiny.innerText(), /rotnet \[1\].*pretext \d+\.\d%/s);
    assert.equal(await tiny.locator('.codicon-pass').count(), 1, 'completed: the pass icon');
    const long = row(LONG_CONFIG.name);
    assert.equal(await long.locator('.codicon-debug-pause').count(), 1, 'stopped: the pause icon');
    await page.locator('.activitybar .action-item a[aria-label^="Explorer"]').first().click();
    passed = true;
  });

  it('"ScaleNet: Show Sidecar Log" shows the ScaleNet output with the backend line', async () => {
    await runCommand(page, 'ScaleNet: Show Sidecar Log');
    const panel = page.locator('.part.panel');
    await panel.waitFor({ state: 'visible' });
    // Room for the whole log, so no line is virtualised away.
    await runCommand(page, 'View: Toggle Maximized Panel');
    // The output editor's model is the extension's "ScaleNet" channel.
    const lines = panel.locator(
      '.monaco-editor[data-uri="output:scalenet-dev.scalenet.ScaleNet"] .view-lines',
    );
    await poll(async () => /backend: /.test(await outputText(lines).catch(() => '')), {
      what: 'the backend line in the ScaleNet output',
    });
    await workbench.screenshot('sidecar-log');
    const text = await outputText(lines);
    assert.match(text, /ScaleNet \d+\.\d+\.\d+ activated/);
    assert.match(text, /Sidecar \S+ running \(pid \d+, Node v\d+[^)]*\), backend: WebAssembly/);
    assert.match(text, /Run e2e-tiny-\S+ started/);
    assert.match(text, /Stopping run e2e-long-\S+ at the next batch/);
    passed = true;
  });

  it('"▶ Train" on the broken config: a located error with Open Config, and no run', async () => {
    await runCommand(page, 'View: Hide Panel');
    // Train opened the loss curves beside the config, so another group may hold a config
    // with its own Train lens: one group again, or the first lens may be that one.
    await runCommand(page, 'View: Close All Editors');
    await openFile(page, 'broken.scalenet.json');
    const lens = page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Train' });
    await lens.first().waitFor();
    await lens.first().click();
    // A config with errors makes Train ask first (issue 13 item 13); the schema's finding
    // here is a warning, which does not. Either way, training it anyway ends in the
    // sidecar's located refusal.
    const ask = page.locator('.notification-toast', { hasText: /has \d+ problems?; the first/ });
    const refused = page.locator('.notification-toast', { hasText: 'data.inputMode' });
    await ask.or(refused).first().waitFor({ timeout: 60_000 });
    if (await ask.isVisible()) {
      await workbench.screenshot('broken-train-asks');
      await ask.locator('a.monaco-button', { hasText: 'Train Anyway' }).click();
    }
    const toast = page.locator('.notification-toast', { hasText: 'data.inputMode' });
    await toast.waitFor({ timeout: 60_000 });
    await workbench.screenshot('broken-train-refused');
    refusal = await toast.innerText();
    assert.match(refusal, /"original", "harris", "gray", "gray-harris", "hybrid"/);
    assert.deepEqual(runFolders(sandbox.workspace, 'e2e-broken'), [], 'no run folder');

    // Open Config moves the cursor from the top of the file to the field's key.
    await toast.locator('a.monaco-button', { hasText: 'Open Config' }).click();
    const before = BROKEN_CONFIG_TEXT.slice(0, BROKEN_CONFIG_TEXT.indexOf('"inputMode"'));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    const cursor = page.locator('.statusbar-item[id="status.editor.selection"]');
    await poll(async () => (await cursor.innerText()).includes(`Ln ${line}, Col ${column}`), {
      what: `the cursor at Ln ${line}, Col ${column}`,
    });
    await workbench.screenshot('broken-open-config');
    passed = true;
  });

  it('the refusal names the fix once', () => {
    passed = true; // no UI here, nothing to screenshot
    const fixes = refusal.match(/Use one of/g) ?? [];
    assert.equal(fixes.length, 1, refusal);
  });
});

/**
 * An editor's rendered lines as plain text (Monaco renders spaces as U+00A0).
 * @param {import('playwright-core').Locator} lines
 */
async function outputText(lines) {
  return (await lines.innerText()).replace(/\u00a0/g, ' ');
}
