/**
 * The runs view, its actions, Resume / Compare / New Config / Install GPU Backend, the
 * config diagnostics and the status bar's click, through the stand-in `vscode` module,
 * against a fixture sidecar whose run folders are real (the sidecar's own run store
 * writes and reads them) and a stand-in `npm` on PATH.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createRunDir, writeSummary, type RunSummary } from '../../sidecar/runs/runStore';
import type { RunInfo, ScaleNetConfig } from '../../sidecar/protocol/index';
import { startedLabel } from '../../extension/runs/runPresentation';
import * as fake from '../fixtures/vscode/fakeVscode';
import * as views from '../fixtures/vscode/fakeViews';

fake.install();
views.installViews();
// Start times show in local time; the expectations are written for UTC.
process.env.TZ = 'UTC';
const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = fileURLToPath(new URL('../fixtures/sidecars/runStore.ts', import.meta.url));
process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import tsx`.trim();

const workspace = mkdtempSync(join(tmpdir(), 'scalenet-runs-'));
const runsDir = join(workspace, '.scalenet', 'runs');
const configPath = join(workspace, 'demo.scalenet.json');
writeFileSync(
  configPath,
  '{ "name": "demo", "method": "scalenet", "pretext": { "scales": [0.5, 1] }, "data": { "inputMode": "harris" } }\n',
);
const storage = join(workspace, 'storage');
const subscriptions: { dispose(): void }[] = [];
let extension: { activate(c: unknown): void; deactivate(): Promise<void> };

const config = (seed: number) =>
  ({
    name: 'demo',
    seed,
    method: 'scalenet',
    data: { inputMode: 'harris' },
    pretext: { scales: [0.5, 1] },
  }) as unknown as ScaleNetConfig;

/** A run folder written by the sidecar's run store, as an earlier session left it. */
async function makeRun(
  minute: number,
  seed: number,
  summary: Partial<RunSummary>,
): Promise<string> {
  const dir = await createRunDir(runsDir, config(seed), new Date(2026, 10, 1, 12, minute));
  writeSummary(dir, {
    runId: dir.split('/').pop()!,
    name: 'demo',
    status: 'completed',
    startedAt: '2026-11-01T12:00:00Z',
    updatedAt: '2026-11-01T12:30:00Z',
    backend: 'cpu',
    metrics: {},
    ...summary,
  });
  return dir;
}

// Written before the tests (createRunDir is async; this file is CommonJS, so no top-level await).
let completed1 = '';
let completed2 = '';
let stopped = '';
let interrupted = '';
let failed = '';
before(async () => {
  completed1 = await makeRun(1, 1, {
    metrics: { 'pretext/accuracy': 0.8, 'finetune@400/accuracy': 0.7 },
  });
  completed2 = await makeRun(2, 2, {
    metrics: { 'pretext/accuracy': 0.9, 'finetune@400/accuracy': 0.74 },
  });
  stopped = await makeRun(3, 3, { status: 'stopped', latestCheckpoint: 'checkpoints/stage1' });
  // "running" by a process that is gone: the sidecar reports it as interrupted.
  interrupted = await makeRun(4, 4, {
    status: 'running',
    pid: 2 ** 22 + 17,
    latestCheckpoint: 'checkpoints/stage1',
  });
  failed = await makeRun(5, 5, { status: 'failed' });
});

function tree(): views.TreeProvider {
  const provider = views.views.trees.get('scalenet.runs');
  assert.ok(provider, 'the runs view is registered');
  return provider;
}

async function shownRuns(): Promise<{ node: { run: RunInfo }; item: views.TreeItem }[]> {
  const nodes = (await tree().getChildren()) as { kind: string; run: RunInfo }[];
  return nodes.map((node) => ({ node, item: tree().getTreeItem(node) }));
}

async function nodeOf(runDir: string): Promise<{ kind: 'run'; run: RunInfo }> {
  const found = (await shownRuns()).find((r) => r.node.run.runDir === runDir);
  assert.ok(found, `${runDir} is shown`);
  return found.node as { kind: 'run'; run: RunInfo };
}

function run(id: string, ...args: unknown[]): Promise<unknown> {
  return fake.commands.executeCommand(id, ...args);
}

const lastMessage = () => fake.state.messages.at(-1);

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function nextTreeChange(): Promise<void> {
  return new Promise((resolve) => {
    const subscription = tree().onDidChangeTreeData(() => {
      subscription.dispose();
      resolve();
    });
  });
}

before(async () => {
  fake.state.workspaceFolder = workspace;
  fake.state.configFiles = [fake.Uri.file(configPath)];
  extension = await import('../../extension/main');
  extension.activate({
    subscriptions,
    asAbsolutePath: () => fixture,
    extensionPath: root,
    globalStorageUri: fake.Uri.file(storage),
    extensionUri: fake.Uri.file(root),
    extension: { packageJSON: { version: '0.1.0-test' } },
  });
});

after(async () => {
  await extension.deactivate();
  for (const s of subscriptions) s.dispose();
  rmSync(workspace, { recursive: true, force: true });
});

void describe('runs view (real run folders through runs/list)', () => {
  void it('lists the runs newest first: status icon, method [scales] · input, headline metrics', async () => {
    const shown = await shownRuns();
    assert.deepEqual(
      shown.map(({ node, item }) => [
        node.run.runDir,
        item.label,
        item.description,
        (item.iconPath as views.ThemeIcon).id,
        item.contextValue,
      ]),
      [
        [
          failed,
          'demo',
          'Nov 1 12:00 · scalenet [0.5, 1] · harris',
          'error',
          'scalenetRun status:failed',
        ],
        [
          interrupted,
          'demo',
          'Nov 1 12:00 · scalenet [0.5, 1] · harris',
          'warning',
          'scalenetRun status:interrupted resumable',
        ],
        [
          stopped,
          'demo',
          'Nov 1 12:00 · scalenet [0.5, 1] · harris',
          'debug-pause',
          'scalenetRun status:stopped resumable',
        ],
        [
          completed2,
          'demo',
          'Nov 1 12:00 · scalenet [0.5, 1] · harris · pretext 90.0% · ft@400 74.0%',
          'pass',
          'scalenetRun status:completed',
        ],
        [
          completed1,
          'demo',
          'Nov 1 12:00 · scalenet [0.5, 1] · harris · pretext 80.0% · ft@400 70.0%',
          'pass',
          'scalenetRun status:completed',
        ],
      ],
    );
    assert.equal(shown[3].item.id, completed2, 'ids are the run folders: stable across refreshes');
    assert.match(String(shown[1].item.tooltip), /Can resume from its last checkpoint\./);
  });

  void it('a summary.json rewritten on disk refreshes the view (file watcher)', async () => {
    const changed = nextTreeChange();
    writeSummary(failed, {
      runId: failed.split('/').pop()!,
      name: 'demo',
      status: 'failed',
      startedAt: '2026-11-01T12:00:00Z',
      updatedAt: '2026-11-01T12:40:00Z',
      backend: 'cpu',
      metrics: { 'pretext/accuracy': 0.5 },
      latestCheckpoint: 'checkpoints/stage1',
    });
    await changed;
    const node = await nodeOf(failed);
    assert.equal(tree().getTreeItem(node).contextValue, 'scalenetRun status:failed resumable');
    assert.match(tree().getTreeItem(node).description ?? '', /pretext 50\.0%$/);
  });

  void it('shows a run while it trains, refuses to delete it, and shows its end', async () => {
    const training = run('scalenet.train', fake.Uri.file(configPath));
    await waitUntil(() => fake.state.contextKeys.get('scalenet.runActive') === true);
    const refreshed = nextTreeChange();
    const live = (await shownRuns())[0];
    assert.equal(live.node.run.status, 'running');
    assert.equal((live.item.iconPath as views.ThemeIcon).id, 'sync~spin');
    await run('scalenet.runs.delete', live.node);
    assert.equal(lastMessage()?.kind, 'warning');
    assert.match(lastMessage()?.text ?? '', /demo is running; stop it before deleting it/);
    assert.ok(existsSync(live.node.run.runDir));
    await training;
    await refreshed; // at an epoch end, the summary's change or the run's end
    const done = (await shownRuns())[0];
    assert.equal(done.node.run.runDir, live.node.run.runDir);
    assert.equal(
      done.item.description,
      `${startedLabel(done.node.run.startedAt)} · scalenet [0.5, 1] · harris · pretext 80.0% · kNN 60.0% · ft@400 70.0%`,
    );
  });

  void it('deletes a run only after a modal confirmation, and only run folders', async () => {
    const node = await nodeOf(completed1);
    fake.state.nextAnswer = undefined; // the user closes the dialog
    await run('scalenet.runs.delete', node);
    assert.deepEqual(lastMessage(), {
      kind: 'warning',
      text: 'Delete the run demo?',
      buttons: [
        {
          modal: true,
          detail: `${completed1}\n\nIts checkpoints, metrics and exported images are removed permanently.`,
        },
        'Delete',
      ],
    });
    assert.ok(existsSync(completed1), 'kept when not confirmed');
    fake.state.nextAnswer = 'Delete';
    const refreshed = nextTreeChange();
    await run('scalenet.runs.delete', node);
    await refreshed;
    assert.ok(!existsSync(completed1), 'removed once confirmed');
    assert.ok(!(await shownRuns()).some((r) => r.node.run.runDir === completed1));

    const notARun = join(workspace, 'not-a-run');
    mkdirSync(notARun);
    fake.state.nextAnswer = 'Delete';
    await run('scalenet.runs.delete', notARun);
    fake.state.nextAnswer = undefined;
    assert.equal(lastMessage()?.text, `ScaleNet: ${notARun} is not a run folder.`);
    assert.ok(existsSync(notARun));
  });

  void it('reveals a workspace run in the Explorer and any other folder in the OS', async () => {
    await run('scalenet.runs.reveal', await nodeOf(stopped));
    const revealed = fake.state.executed.at(-1)!;
    assert.equal(revealed.id, 'revealInExplorer');
    assert.equal((revealed.args[0] as fake.Uri).fsPath, stopped);
    await run('scalenet.runs.reveal', '/elsewhere/runs/x-1');
    assert.equal(fake.state.executed.at(-1)!.id, 'revealFileInOS');
  });

  void it('resumes a run from the view with its own config', async () => {
    await run('scalenet.resumeRun', await nodeOf(interrupted));
    const trainCall = fake.state.executed.filter((e) => e.id === 'scalenet.train').at(-1)!;
    const args = trainCall.args[0] as { uri: fake.Uri; resume: string };
    assert.equal(args.resume, interrupted);
    assert.equal(args.uri.fsPath, configPath);
    assert.equal(fake.state.progress.at(-1)?.title, 'ScaleNet: resuming demo');
    assert.equal(fake.state.progress.at(-1)?.done, true);
    assert.match(lastMessage()?.text ?? '', /demo finished: pretext accuracy 80\.0%/);
    const summary = JSON.parse(readFileSync(join(interrupted, 'summary.json'), 'utf8')) as {
      status: string;
    };
    assert.equal(summary.status, 'completed', 'the same folder went on to completion');
  });

  void it('Resume Run from the palette offers only resumable runs', async () => {
    fake.state.quickPickAnswer = (items) => items[0];
    await run('scalenet.resumeRun');
    const pick = fake.state.quickPicks.at(-1)!;
    assert.equal(pick.title, 'ScaleNet: Resume Run');
    assert.deepEqual(
      (pick.items as { detail: string }[]).map((i) => i.detail),
      [failed, stopped],
    );
    assert.match(fake.state.progress.at(-1)?.title ?? '', /resuming demo/);
    const trainCall = fake.state.executed.filter((e) => e.id === 'scalenet.train').at(-1)!;
    assert.equal((trainCall.args[0] as { resume: string }).resume, failed);
  });

  void it('Compare Runs: a Table-3-style markdown preview, mean ± std over seeds', async () => {
    fake.state.quickPickAnswer = <T>(items: T[]) => items as unknown as T; // all of them
    const markdown = (await run('scalenet.compareRuns')) as string;
    const pick = fake.state.quickPicks.at(-1)!;
    assert.equal(pick.title, 'ScaleNet: Compare Runs');
    // Completed now: completed2, the trained run (seed 1), and the two resumed ones.
    assert.equal(pick.items.length, 4);
    const row = markdown.split('\n').find((l) => l.startsWith('| scalenet [0.5, 1]'));
    assert.equal(
      row,
      '| scalenet [0.5, 1] | harris | 1, 2, 4, 5 | 82.50 ± 5.00 | 60.00 ± 0.00 | 71.00 ± 2.00 |',
    );
    // Written into the runs folder, not an unsaved "Untitled" document, then previewed.
    const previewed = fake.state.executed.at(-1);
    assert.equal(previewed?.id, 'markdown.showPreview');
    const file = (previewed?.args[0] as fake.Uri).fsPath;
    assert.equal(dirname(file), dirname(completed2));
    assert.match(basename(file), /^comparison-\d{8}-\d{6}\.md$/);
    assert.equal(readFileSync(file, 'utf8'), markdown);

    // From the view: the selected runs, no picker; runs that did not complete are left out.
    const picks = fake.state.quickPicks.length;
    const selection = [await nodeOf(completed2), await nodeOf(stopped)];
    const fromView = (await run('scalenet.compareRuns', selection[0], selection)) as string;
    assert.equal(fake.state.quickPicks.length, picks, 'no quick pick');
    assert.ok(
      fromView.includes('| scalenet [0.5, 1] | harris | 2 | 90.00 | — | 74.00 |'),
      fromView,
    );
  });

  void it('panel actions run the panel command on the run', async () => {
    // main.ts registers the panels; the actions use them as they are (no detection).
    assert.ok(
      fake.state.commands.get('scalenet.showLossCurves'),
      'main.ts registers the loss curves panel',
    );
    const statusItem = views.views.statusItems[0];

    // A recording stand-in: no webview opens under the stand-in vscode.
    const opened: unknown[] = [];
    fake.state.commands.set('scalenet.showLossCurves', (dir) => opened.push(dir));
    await run('scalenet.runs.openLossCurves', await nodeOf(completed2));
    assert.deepEqual(opened, [completed2]);
    // The status bar now opens the last run's curves.
    assert.equal((statusItem.command as { command: string }).command, 'scalenet.showLossCurves');
    const lastRun = (statusItem.command as { arguments: string[] }).arguments[0];
    assert.equal(lastRun, failed, 'the last run this session trained (the resumed one)');
    assert.match(String(fake.state.statusBar.tooltip), /Click for the loss curves\./);
  });
});

void describe('New Config', () => {
  void it('writes the picked method’s commented config into the workspace and opens it', async () => {
    fake.state.quickPickAnswer = (items) =>
      items.find((i) => (i as { label: string }).label === 'ScaleNet [0.5, 0.75, 1]');
    const uri = (await run('scalenet.newConfig')) as fake.Uri;
    assert.equal(uri.fsPath, join(workspace, 'scalenet3.scalenet.json'));
    const text = readFileSync(uri.fsPath, 'utf8');
    assert.match(text, /"scales": \[0\.5, 0\.75, 1\]/);
    assert.match(text, /^ {2}\/\/ ScaleNet \[0\.5, 0\.75, 1\]/m);
    // Never overwrites: the second one gets a new name.
    fake.state.quickPickAnswer = (items) =>
      items.find((i) => (i as { label: string }).label === 'ScaleNet [0.5, 0.75, 1]');
    const second = (await run('scalenet.newConfig')) as fake.Uri;
    assert.equal(second.fsPath, join(workspace, 'scalenet3-2.scalenet.json'));
    assert.match(readFileSync(second.fsPath, 'utf8'), /"name": "scalenet3-2"/);
  });
});

void describe('config diagnostics', () => {
  void it('Train on a config with errors: the lens counts them and Train asks first', async () => {
    const text = '{\n  "pretext": { "scales": [1, 0.5] }\n}';
    const dir = mkdtempSync(join(tmpdir(), 'scalenet-broken-'));
    const uri = fake.Uri.file(join(dir, 'broken.scalenet.json'));
    writeFileSync(uri.fsPath, text);
    const document = new views.EditableDocument(uri, text);
    views.openDocument(document);
    await waitUntil(() => (views.views.diagnostics.get(uri.toString()) ?? []).length > 0);
    const errors = views.views.diagnostics.get(uri.toString())!.length;
    const titles = fake.state.codeLensProviders
      .flatMap((p) => p.provideCodeLenses(document))
      .map((l) => l.command?.title);
    assert.equal(titles[0], `▶ Train (${errors} problem${errors === 1 ? '' : 's'})`);

    const logged = fake.state.log.length;
    fake.state.nextAnswer = undefined; // the user closes the warning
    await run('scalenet.train', { uri });
    const warning = fake.state.messages.at(-1);
    assert.equal(warning?.kind, 'warning');
    assert.match(
      warning?.text ?? '',
      /^ScaleNet: broken has \d+ problems?; the first, on line 2: /,
    );
    assert.deepEqual(warning?.buttons, ['Show Problems', 'Train Anyway']);
    assert.ok(
      !fake.state.log.slice(logged).some((l) => /Run .* started/.test(l)),
      'nothing trains unless the user says so',
    );
    views.closeDocument(document);
    rmSync(dir, { recursive: true, force: true });
  });

  void it('shows semantic problems on their fields as the user types, and clears them', async () => {
    const uri = fake.Uri.file(join(workspace, 'typed.scalenet.json'));
    const document = new views.EditableDocument(uri, '{ "name": "t" }');
    views.openDocument(document);
    await waitUntil(() => views.views.diagnostics.has(uri.toString()));
    assert.deepEqual(views.views.diagnostics.get(uri.toString()), []);

    document.edit(
      '{\n  "pretext": { "scales": [1, 0.5] },\n  "data": { "dataset": "folder", "path": "imgs" }\n}',
    );
    await waitUntil(() => (views.views.diagnostics.get(uri.toString()) ?? []).length > 0);
    const shown = views.views.diagnostics.get(uri.toString())!.map((d) => ({
      code: d.code,
      severity: d.severity,
      range: d.range.args.map((p) => [(p as fake.Position).line, (p as fake.Position).character]),
      message: d.message,
    }));
    assert.deepEqual(
      shown.map((d) => [d.code, d.range, d.severity]),
      [
        [
          'pretext.scales.1',
          [
            [1, 29],
            [1, 32],
          ],
          views.DiagnosticSeverity.Error,
        ],
        [
          'pretext.scales.1',
          [
            [1, 29],
            [1, 32],
          ],
          views.DiagnosticSeverity.Error,
        ],
        [
          'pretext.scales',
          [
            [1, 25],
            [1, 33],
          ],
          views.DiagnosticSeverity.Error,
        ],
        [
          'data.path',
          [
            [2, 41],
            [2, 47],
          ],
          views.DiagnosticSeverity.Error,
        ],
      ],
    );
    assert.equal(
      shown[3].message,
      `data.path does not exist: ${join(workspace, 'imgs')}. Relative paths resolve against the config file’s folder; point it at the dataset files.`,
    );

    // Typing fast: one check after the last keystroke, not one per keystroke.
    const updates = views.views.diagnosticUpdates.get(uri.toString())!;
    for (const n of [1, 2, 3, 4, 5]) document.edit(`{ "data": { "limit": ${n}, "perClass": 1 } }`);
    await waitUntil(() => views.views.diagnosticUpdates.get(uri.toString())! > updates);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(views.views.diagnosticUpdates.get(uri.toString()), updates + 1);
    assert.deepEqual(
      views.views.diagnostics.get(uri.toString())!.map((d) => d.code),
      ['data.perClass'],
    );

    mkdirSync(join(workspace, 'imgs'));
    document.edit(
      '{\n  "method": "scalenet",\n  "pretext": { "scales": [0.5, 1] },\n  "data": { "dataset": "folder", "path": "imgs" }\n}',
    );
    await waitUntil(() => views.views.diagnostics.get(uri.toString())?.length === 0);
    views.closeDocument(document);
    assert.equal(views.views.diagnostics.has(uri.toString()), false);
  });
});

void describe('Install GPU Backend', () => {
  const bin = join(workspace, 'bin');

  before(() => {
    // A stand-in npm: installs a tfjs-node-gpu whose native part cannot find CUDA 11.
    mkdirSync(bin, { recursive: true });
    // The test process's NODE_OPTIONS (--import tsx) does not resolve outside the repo.
    writeFileSync(join(bin, 'npm'), `#!/bin/sh\nNODE_OPTIONS= exec node "$0.cjs" "$@"\n`);
    writeFileSync(
      join(bin, 'npm.cjs'),
      `
const fs = require('fs'), path = require('path');
const args = process.argv.slice(2);
if (process.env.FAKE_NPM_PIDFILE) fs.writeFileSync(process.env.FAKE_NPM_PIDFILE, String(process.pid));
if (process.env.FAKE_NPM_HANG) { console.log('fetching libtensorflow…'); setInterval(() => {}, 1000); return; }
const prefix = args[args.indexOf('--prefix') + 1];
const dir = path.join(prefix, 'node_modules', '@tensorflow', 'tfjs-node-gpu');
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"@tensorflow/tfjs-node-gpu","main":"index.js"}');
fs.writeFileSync(path.join(dir, 'index.js'), "throw new Error('libcudart.so.11.0: cannot open shared object file: No such file or directory');");
console.log('args ' + args.join(' '));
console.error('npm warn deprecated something');
console.log('added 1 package in 2s');
`,
    );
    chmodSync(join(bin, 'npm'), 0o755);
    process.env.PATH = `${bin}:${process.env.PATH}`;
  });

  void it('explains CUDA 11.2 + cuDNN 8.1, installs with progress, restarts, says why it did not load', async () => {
    fake.state.nextAnswer = 'Install';
    await run('scalenet.installGpuBackend');
    const modal = fake.state.messages.find(
      (m) => m.text === 'Install the CUDA backend (tfjs-node-gpu)?',
    );
    assert.ok(modal);
    const detail = (modal.buttons[0] as unknown as { modal: boolean; detail: string }).detail;
    assert.match(detail, /CUDA 11\.2 and cuDNN 8\.1/);
    const record = fake.state.progress.at(-1)!;
    assert.equal(record.title, 'ScaleNet: installing tfjs-node-gpu');
    assert.ok(record.reports.some((r) => r.message === 'added 1 package in 2s'));
    const target = join(storage, 'tfjs-node-gpu');
    assert.ok(
      fake.state.log.includes(
        `info [npm] args install @tensorflow/tfjs-node-gpu@4.22.0 --prefix ${target} --no-audit --no-fund`,
      ),
    );
    assert.ok(fake.state.log.includes('info [npm] npm warn deprecated something'));
    assert.equal(lastMessage()?.kind, 'warning');
    assert.match(
      lastMessage()?.text ?? '',
      /^ScaleNet: tfjs-node-gpu is installed but did not load: installed but failed to load: libcudart\.so\.11\.0: cannot open shared object file.*CUDA 11\.2 and cuDNN 8\.1.*The sidecar uses Fixture CPU\.$/,
    );
    assert.deepEqual(lastMessage()?.buttons, ['Select Backend']);
  });

  void it('cancelling stops npm', async () => {
    const pidFile = join(workspace, 'npm.pid');
    process.env.FAKE_NPM_HANG = '1';
    process.env.FAKE_NPM_PIDFILE = pidFile;
    fake.state.nextAnswer = 'Install';
    const installing = run('scalenet.installGpuBackend');
    await waitUntil(() => existsSync(pidFile) && fake.state.progress.at(-1)!.reports.length > 1);
    fake.state.progress.at(-1)!.cancel();
    await installing;
    delete process.env.FAKE_NPM_HANG;
    assert.equal(lastMessage()?.text, 'ScaleNet: GPU backend install cancelled.');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await waitUntil(() => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    });
  });
});

void describe('Set Up Native Backend', () => {
  // A stand-in `node` first on PATH: the command runs dist/build-native.js with a system
  // Node; this one answers as that build program does (JSON lines, then the outcome).
  const bin = join(workspace, 'bin-node');
  const argsFile = join(workspace, 'build-native.args');
  const savedPath = process.env.PATH;

  before(() => {
    mkdirSync(bin, { recursive: true });
    writeFileSync(
      join(bin, 'node'),
      `#!/bin/sh\nNODE_OPTIONS= exec ${process.execPath} "$0-build.cjs" "$@"\n`,
    );
    writeFileSync(
      join(bin, 'node-build.cjs'),
      `
const fs = require('fs'), path = require('path');
const args = process.argv.slice(2);
fs.writeFileSync(${JSON.stringify(argsFile)}, JSON.stringify(args));
const say = (o) => console.log(JSON.stringify(o));
say({ event: 'log', message: 'libtorch from setting (SCALENET_LIBTORCH): not set' });
say({ event: 'log', message: 'using libtorch 1.13.1 (Debian libtorch-dev, /usr/lib/x86_64-linux-gnu)' });
const mode = process.env.FAKE_BUILD;
if (mode === 'hang') {
  fs.writeFileSync(process.env.FAKE_BUILD_PIDFILE, String(process.pid));
  say({ event: 'log', message: 'CXX(target) Release/obj.target/scalenet_torch/addon.o' });
  setInterval(() => {}, 1000);
  return;
}
if (mode === 'no-compiler') {
  say({ event: 'result', ok: false, kind: 'no-compiler', message: 'no C++ compiler (c++, g++ or clang++ on PATH; e.g. apt-get install g++ make)' });
  return;
}
const out = args[args.indexOf('--out') + 1];
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'scalenet_torch.node'), 'built');
say({ event: 'log', message: 'SOLINK_MODULE(target) Release/obj.target/scalenet_torch.node' });
say({ event: 'result', ok: true, kind: 'built', message: path.join(out, 'scalenet_torch.node') + ' in 40 s', addon: path.join(out, 'scalenet_torch.node') });
`,
    );
    chmodSync(join(bin, 'node'), 0o755);
    process.env.PATH = `${bin}:${savedPath}`;
  });

  after(() => {
    process.env.PATH = savedPath;
    delete process.env.FAKE_BUILD;
  });

  void it('no compiler: says a C++ compiler is missing and what to install, offers the log', async () => {
    process.env.FAKE_BUILD = 'no-compiler';
    fake.state.nextAnswer = 'Show Log';
    await run('scalenet.setUpNativeBackend');
    const record = fake.state.progress.at(-1)!;
    assert.equal(record.title, 'ScaleNet: building the native (libtorch) backend');
    assert.ok(
      record.reports.some(
        (r) =>
          r.message === 'using libtorch 1.13.1 (Debian libtorch-dev, /usr/lib/x86_64-linux-gnu)',
      ),
    );
    assert.equal(lastMessage()?.kind, 'error');
    assert.equal(
      lastMessage()?.text,
      'ScaleNet: the native backend was not built (a C++ compiler is missing): no C++ compiler (c++, g++ or clang++ on PATH; e.g. apt-get install g++ make)',
    );
    const args = JSON.parse(readFileSync(argsFile, 'utf8')) as string[];
    assert.deepEqual(args, [
      join(root, 'dist', 'build-native.js'),
      '--json',
      '--root',
      root,
      '--stage',
      join(storage, 'torch-build'),
      '--out',
      join(storage, 'torch-addon'),
    ]);
    assert.ok(
      fake.state.log.includes(
        'info [build:native] libtorch from setting (SCALENET_LIBTORCH): not set',
      ),
    );
  });

  void it('built: restarts the sidecar with the addon (SCALENET_TORCH_ADDON) and says what it uses', async () => {
    process.env.FAKE_BUILD = 'ok';
    await run('scalenet.setUpNativeBackend');
    const addon = join(storage, 'torch-addon', 'scalenet_torch.node');
    assert.equal(readFileSync(addon, 'utf8'), 'built');
    assert.equal(lastMessage()?.kind, 'warning');
    // The fixture sidecar names the addon it was handed: the restart passed it on.
    assert.equal(
      lastMessage()?.text,
      `ScaleNet: the native backend is built but not in use: fixture: ${addon} not loaded. The sidecar uses Fixture CPU.`,
    );
    assert.deepEqual(lastMessage()?.buttons, ['Select Backend']);
  });

  void it('cancelling stops the build', async () => {
    const pidFile = join(workspace, 'build.pid');
    process.env.FAKE_BUILD = 'hang';
    process.env.FAKE_BUILD_PIDFILE = pidFile;
    const building = run('scalenet.setUpNativeBackend');
    await waitUntil(() => existsSync(pidFile) && fake.state.progress.at(-1)!.reports.length > 2);
    fake.state.progress.at(-1)!.cancel();
    await building;
    assert.equal(lastMessage()?.text, 'ScaleNet: native backend build cancelled.');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await waitUntil(() => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    });
  });
});
