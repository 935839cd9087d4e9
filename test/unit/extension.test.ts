/**
 * The extension's wiring (main.ts, commands, status bar, CodeLens, context key, settings)
 * driven through a recorded stand-in for the `vscode` module, against the real fixture
 * sidecar process: what the user would see at each step, in order.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as fake from '../fixtures/vscode/fakeVscode';
import { installViews } from '../fixtures/vscode/fakeViews';

fake.install();
// main.ts also registers the runs view, watchers and diagnostics.
installViews();
const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = fileURLToPath(new URL('../fixtures/sidecars/answering.ts', import.meta.url));
// The extension forks dist/sidecar.js with no extra Node flags; the .ts fixture needs tsx.
process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import tsx`.trim();

interface ExtensionModule {
  activate(context: unknown): void;
  deactivate(): Promise<void>;
}

const workspace = mkdtempSync(join(tmpdir(), 'scalenet-ext-'));
const configPath = join(workspace, 'demo.scalenet.json');
writeFileSync(configPath, '{\n  // commented, as New Config writes them\n  "name": "demo",\n}\n');
const configUri = fake.Uri.file(configPath);
const document = new fake.FakeTextDocument(configUri);
const subscriptions: { dispose(): void }[] = [];
let extension: ExtensionModule;
/** Loaded after fake.install(), like everything that imports `vscode`. */
let runActiveKey: string;

const LOOK_LENSES = ['Preview inputs', 'Attention maps', 'Representation map', 'Compare runs'];

function lensCommands(): (string | undefined)[] {
  return fake.state.codeLensProviders
    .flatMap((p) => p.provideCodeLenses(document))
    .map((l) => l.command?.command);
}

function lensTitles(): string[] {
  return fake.state.codeLensProviders
    .flatMap((p) => p.provideCodeLenses(document))
    .map((l) => l.command?.title ?? '');
}

function lastMessage(): fake.ShownMessage | undefined {
  return fake.state.messages.at(-1);
}

function train(arg?: unknown): Promise<unknown> {
  return fake.commands.executeCommand('scalenet.train', arg);
}

before(async () => {
  fake.state.workspaceFolder = workspace;
  fake.state.configFiles = [configUri];
  fake.state.activeEditor = { document };
  extension = await import('../../extension/main');
  ({ RUN_ACTIVE_CONTEXT_KEY: runActiveKey } = await import('../../extension/activeRun'));
  extension.activate({
    subscriptions,
    asAbsolutePath: () => fixture,
    // The sidecar's cwd: the repo, where the fixture's `--import tsx` resolves.
    extensionPath: root,
    globalStorageUri: fake.Uri.file(join(workspace, 'storage')),
    extension: { packageJSON: { version: '0.1.0-test' } },
  });
});

after(async () => {
  await extension.deactivate();
  for (const s of subscriptions) s.dispose();
  rmSync(workspace, { recursive: true, force: true });
});

void describe('extension (stand-in vscode, real fixture sidecar)', () => {
  void it('activates with the commands, an idle status bar and no active run', () => {
    assert.deepEqual(
      ['scalenet.train', 'scalenet.stop', 'scalenet.showLog'].filter((c) =>
        fake.state.commands.has(c),
      ),
      ['scalenet.train', 'scalenet.stop', 'scalenet.showLog'],
    );
    assert.equal(fake.state.statusBar.text, '$(circuit-board) ScaleNet');
    assert.equal(fake.state.statusBar.visible, true);
    assert.equal(fake.state.contextKeys.get('scalenet.runActive'), false);
    assert.deepEqual(lensTitles(), ['▶ Train', ...LOOK_LENSES]);
    // Each lens runs the palette's command.
    assert.deepEqual(lensCommands(), [
      'scalenet.train',
      'scalenet.previewHarris',
      'scalenet.openAttentionMaps',
      'scalenet.showRepresentationMap',
      'scalenet.compareRuns',
    ]);
  });

  void it('registers exactly the commands, settings and schema the manifest declares', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      activationEvents: string[];
      extensionKind: string[];
      capabilities: { untrustedWorkspaces: { supported: unknown } };
      contributes: {
        commands: { command: string; enablement?: string }[];
        menus: Record<string, { command: string; when?: string }[]>;
        configuration: { properties: Record<string, { default: unknown }> };
        jsonValidation: { fileMatch: string; url: string }[];
      };
    };
    const declared = manifest.contributes.commands.map((c) => c.command).sort();
    const registered = [...fake.state.commands.keys()].filter((c) => c.startsWith('scalenet.'));
    assert.deepEqual(registered.sort(), declared);
    const stop = manifest.contributes.commands.find((c) => c.command === 'scalenet.stop');
    assert.equal(stop?.enablement, runActiveKey);
    for (const items of Object.values(manifest.contributes.menus)) {
      for (const item of items) assert.ok(declared.includes(item.command), item.command);
    }
    assert.deepEqual(Object.keys(manifest.contributes.configuration.properties).sort(), [
      'scalenet.backend',
      'scalenet.libtorchPath',
      'scalenet.nodePath',
      'scalenet.runsDir',
      'scalenet.showLossCurvesOnTrain',
      'scalenet.threads',
      'scalenet.torchDevice',
      'scalenet.torchThreads',
    ]);
    const [schema] = manifest.contributes.jsonValidation;
    assert.equal(schema.fileMatch, '*.scalenet.json');
    assert.ok(existsSync(join(root, schema.url)), `${schema.url} exists`);
    // The panels' serializers restore them after a reload, before any config is opened.
    assert.deepEqual(manifest.activationEvents, [
      'workspaceContains:**/*.scalenet.json',
      'workspaceContains:**/*.sweep.json',
      'onWebviewPanel:scalenet.lossCurves',
      'onWebviewPanel:scalenet.harrisPreview',
      'onWebviewPanel:scalenet.attentionMaps',
      'onWebviewPanel:scalenet.representationMap',
    ]);
    assert.deepEqual(manifest.extensionKind, ['workspace']);
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  });

  void it('trains the active config to the end with progress everywhere, then reports accuracy', async () => {
    const seenStatus = new Set<string>();
    const seenLenses = new Set<string>();
    const watcher = setInterval(() => {
      seenStatus.add(fake.state.statusBar.text);
      for (const t of lensTitles()) seenLenses.add(t);
    }, 5);
    const t0 = performance.now();
    await train();
    clearInterval(watcher);
    const ms = performance.now() - t0;

    const record = fake.state.progress.at(-1)!;
    assert.equal(record.title, 'ScaleNet: training demo');
    assert.equal(record.done, true);
    const progressLines = record.reports.map((r) => r.message ?? '');
    assert.ok(
      progressLines.some((m) =>
        /^stage 1\/2 \(14px\) · epoch \d+\/20 · loss \d\.\d{3} · acc \d+\.\d% · 100 img\/s · ETA \d+s$/.test(
          m,
        ),
      ),
      progressLines.join('\n'),
    );
    const total = record.reports.reduce((sum, r) => sum + (r.increment ?? 0), 0);
    assert.ok(total > 40 && total <= 50.0001, `increments add up to stage 1 of 2: ${total}`);
    assert.ok(
      [...seenStatus].some((s) =>
        /^\$\(sync~spin\) ScaleNet stage 1\/2 · epoch \d+\/20 · ETA \d+s$/.test(s),
      ),
      [...seenStatus].join('\n'),
    );
    assert.ok([...seenLenses].includes('■ Stop'));
    assert.ok([...seenLenses].some((t) => /^\$\(sync~spin\) stage 1\/2 · epoch/.test(t)));

    assert.deepEqual(lastMessage(), {
      kind: 'info',
      text: 'ScaleNet: demo finished: pretext accuracy 75.0%.',
      buttons: ['Reveal Run Folder', 'Show Log'],
    });
    assert.equal(fake.state.contextKeys.get('scalenet.runActive'), false);
    assert.deepEqual(lensTitles(), ['▶ Train', ...LOOK_LENSES]);
    // Each lens runs the palette's command.
    assert.deepEqual(lensCommands(), [
      'scalenet.train',
      'scalenet.previewHarris',
      'scalenet.openAttentionMaps',
      'scalenet.showRepresentationMap',
      'scalenet.compareRuns',
    ]);
    assert.equal(fake.state.statusBar.text, '$(circuit-board) ScaleNet: Fixture CPU');
    // runsDir: the setting's default, under the workspace folder; logs reach the channel.
    const started = fake.state.log.find((l) => l.includes('Run fixture-1 started'));
    assert.ok(started?.endsWith(`in ${join(workspace, '.scalenet/runs')}/fixture-1`), started);
    // scalenet.showLossCurvesOnTrain (on by default) opens the run's live curves.
    assert.ok(
      fake.state.executed.some(
        (e) =>
          e.id === 'scalenet.showLossCurves' &&
          e.args[0] === `${join(workspace, '.scalenet/runs')}/fixture-1`,
      ),
    );
    assert.ok(fake.state.log.some((l) => l === 'info [sidecar] fixture: a warning on stderr'));
    assert.ok(ms < 6000, `train took ${ms} ms`);
  });

  void it('stops a run from the command and from the notification, offering to resume', async () => {
    const running = train();
    await waitUntil(() => fake.state.contextKeys.get('scalenet.runActive') === true);
    await waitUntil(() => !fake.state.progress.at(-1)!.done);
    await waitUntil(() => fake.state.progress.at(-1)!.reports.length > 2);
    await fake.commands.executeCommand('scalenet.stop');
    await running;
    assert.deepEqual(lastMessage(), {
      kind: 'info',
      text: 'ScaleNet: demo stopped; it can resume from its checkpoint.',
      buttons: ['Resume', 'Reveal Run Folder'],
    });
    assert.equal(fake.state.contextKeys.get('scalenet.runActive'), false);

    const records = fake.state.progress.length;
    const second = train(configUri);
    await waitUntil(
      () => fake.state.progress.length > records && fake.state.progress.at(-1)!.reports.length > 2,
    );
    fake.state.progress.at(-1)!.cancel();
    await second;
    assert.match(lastMessage()?.text ?? '', /demo stopped/);
    assert.ok(fake.state.log.some((l) => /Stopping run fixture-3 at the next batch/.test(l)));
  });

  void it('refuses a second run while one is going, and offers to stop it', async () => {
    const running = train();
    await waitUntil(() => fake.state.contextKeys.get('scalenet.runActive') === true);
    fake.state.nextAnswer = 'Stop It';
    await train();
    assert.deepEqual(lastMessage()?.buttons, ['Stop It', 'Show Log']);
    await running;
    assert.match(lastMessage()?.text ?? '', /demo stopped/);
  });

  void it('after a crash mid-run: says so with the exit reason, offers Resume, restarts the sidecar', async () => {
    // A settings change restarts the sidecar, which then inherits the crash switch.
    process.env.FIXTURE_CRASH_DURING_RUN = '1';
    fake.changeSettings({ 'scalenet.threads': 2 });
    await waitUntil(() => fake.state.log.some((l) => l.includes('SCALENET_WASM_THREADS":"2"')));
    fake.state.nextAnswer = 'Resume';
    delete process.env.FIXTURE_CRASH_DURING_RUN; // the restart after the crash behaves
    await train();
    const crash = fake.state.messages.find((m) => /exited with code 70/.test(m.text));
    assert.ok(crash, JSON.stringify(fake.state.messages.at(-1)));
    assert.equal(crash.kind, 'error');
    assert.match(
      crash.text,
      /The sidecar exited with code 70: fixture: out of memory in the wasm heap during the run\. Resume continues demo/,
    );
    assert.deepEqual(crash.buttons, ['Resume', 'Show Log']);
    // "Resume" ran Train again with the crashed run's folder.
    const resume = fake.state.executed.find(
      (e) => e.id === 'scalenet.train' && (e.args[0] as { resume?: string } | undefined)?.resume,
    );
    assert.match((resume?.args[0] as { resume: string }).resume, /\.scalenet\/runs\/fixture-1$/);
    await waitUntil(() => fake.state.progress.at(-1)?.title === 'ScaleNet: resuming demo');
    await waitUntil(() => fake.state.progress.at(-1)?.done === true, 8000);
    assert.match(lastMessage()?.text ?? '', /demo finished/, 'the resumed run completes');
  });

  void it('selects a compute backend with what each one can do here, and restarts on it', async () => {
    await waitUntil(() => fake.state.statusBar.text === '$(circuit-board) ScaleNet: Fixture CPU');
    fake.state.quickPickAnswer = (items) => items.find((i) => (i as { id?: string }).id === 'wasm');
    await fake.commands.executeCommand('scalenet.selectBackend');
    const pick = fake.state.quickPicks.at(-1)!;
    assert.equal(pick.title, 'ScaleNet: Select Compute Backend');
    const details = Object.fromEntries(
      (pick.items as { id: string; label: string; detail?: string }[]).map((i) => [
        i.id,
        [i.label, i.detail],
      ]),
    );
    assert.deepEqual(details.auto, ['$(check) Automatic', undefined]);
    assert.deepEqual(details.tensorflow, [
      'TensorFlow (tfjs-node-gpu)',
      'Not available here: not installed (fixture)',
    ]);
    assert.deepEqual(details.cpu, ['Plain JavaScript', 'In use: Fixture CPU']);
    assert.equal(fake.state.settings.get('scalenet.backend'), 'wasm');
    assert.match(lastMessage()?.text ?? '', /backend set to "wasm"; the sidecar restarts with it/);
    await waitUntil(() => fake.state.log.some((l) => /by vscode backend=wasm/.test(l)));
    await waitUntil(() => fake.state.statusBar.text === '$(circuit-board) ScaleNet: Fixture CPU');
  });

  void it('refuses to train in an untrusted workspace, with the reason', async () => {
    fake.state.trusted = false;
    const before = fake.state.progress.length;
    await train();
    fake.state.trusted = true;
    assert.equal(fake.state.progress.length, before, 'no run started');
    assert.equal(lastMessage()?.kind, 'warning');
    assert.match(lastMessage()?.text ?? '', /trains only in trusted workspaces/);
    assert.deepEqual(lastMessage()?.buttons, ['Manage Workspace Trust']);
  });

  void it('reads no data in an untrusted workspace: the panels refuse like Train', async () => {
    fake.state.trusted = false;
    const commands = [
      ['scalenet.showLossCurves', /^ScaleNet shows loss curves only in trusted workspaces/],
      ['scalenet.previewHarris', /^ScaleNet previews images only in trusted workspaces/],
      [
        'scalenet.openAttentionMaps',
        /^ScaleNet computes attention maps only in trusted workspaces/,
      ],
    ] as const;
    try {
      for (const [command, refusal] of commands) {
        const shown = fake.state.messages.length;
        await fake.commands.executeCommand(command, configUri);
        assert.equal(fake.state.messages.length, shown + 1, command);
        assert.equal(lastMessage()?.kind, 'warning');
        assert.match(lastMessage()?.text ?? '', refusal);
        assert.deepEqual(lastMessage()?.buttons, ['Manage Workspace Trust']);
      }
    } finally {
      fake.state.trusted = true;
    }
  });

  void it('shows a config syntax error with its line and column', async () => {
    const broken = join(workspace, 'broken.scalenet.json');
    writeFileSync(broken, '{\n  "name": "x"\n  "seed": 1\n}\n');
    await train(fake.Uri.file(broken));
    assert.equal(lastMessage()?.kind, 'error');
    assert.equal(
      lastMessage()?.text,
      'ScaleNet: broken.scalenet.json is not valid JSON (line 3, column 3): comma expected',
    );
  });
});

void describe('extension deactivation', () => {
  void it('stops the sidecar gracefully and leaves no process behind', async () => {
    const pids = [...fake.state.log.join('\n').matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
    const last = pids.at(-1)!;
    assert.ok(isAlive(last), 'the sidecar is up before deactivate');
    const t0 = performance.now();
    await extension.deactivate();
    const ms = performance.now() - t0;
    assert.ok(ms < 1000, `graceful stop took ${ms} ms`);
    for (const pid of pids) assert.ok(!isAlive(pid), `pid ${pid} gone`);
    assert.ok(fake.state.log.some((l) => /Sidecar exiting \(code 0\): shutdown requested/.test(l)));
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
