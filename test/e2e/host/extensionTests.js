/**
 * Integration tests that run inside a real extension host, written once and launched two
 * ways: by code-server through the `extensionTestsPath` payload (host.test.mjs) and by
 * @vscode/test-electron (electron.mjs). Plain CommonJS, since the extension host
 * `require`s this file, and no test framework, since none is installed in the host.
 *
 * code-server's host exits 0 even when `run()` rejects, so the results also go to a
 * JSON file (SCALENET_E2E_RESULT, else .e2e-host-result.json in the workspace) that the
 * launcher reads and asserts; test-electron additionally sees the rejection.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

const EXTENSION_ID = 'scalenet-dev.scalenet';
const COMMANDS = ['scalenet.train', 'scalenet.stop', 'scalenet.showLog'];

/** @param {string} name */
function workspaceFile(name) {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, name);
}

/**
 * @template T
 * @param {() => T | Promise<T>} read
 * @param {string} what
 * @returns {Promise<NonNullable<T>>}
 */
async function poll(read, what, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await read();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Run folders of config `name` in the workspace's default runs folder, oldest first.
 * @param {string} name
 */
function runFolders(name) {
  const runsDir = path.join(workspaceFile('.scalenet/runs').fsPath);
  if (!fs.existsSync(runsDir)) return [];
  return fs
    .readdirSync(runsDir)
    .filter((entry) => entry.startsWith(`${name}-`))
    .sort()
    .map((entry) => path.join(runsDir, entry));
}

/**
 * What the tests read of summary.json (sidecar/runs/runStore.ts: RunSummary).
 * @typedef {{ status: string, metrics: Record<string, number>, latestCheckpoint: string }} Summary
 */

/** @param {string} file @returns {Summary} */
function readSummary(file) {
  /** @type {unknown} JSON.parse's any, read as a Summary */
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  return /** @type {Summary} */ (parsed);
}

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @type {Array<[string, () => Promise<void>]>} */
const TESTS = [
  [
    'the extension is installed and activates',
    async () => {
      const extension = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(extension, `${EXTENSION_ID} is installed`);
      await extension.activate();
      assert.equal(extension.isActive, true);
      /** @type {unknown} the manifest as VS Code read it */
      const packageJSON = extension.packageJSON;
      const manifest = /** @type {{ extensionKind: string[] }} */ (packageJSON);
      assert.deepEqual(manifest.extensionKind, ['workspace']);
    },
  ],
  [
    'getCommands includes Train, Stop Training and Show Sidecar Log',
    async () => {
      const all = new Set(await vscode.commands.getCommands(true));
      for (const command of COMMANDS) assert.ok(all.has(command), `${command} is registered`);
      const extension = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(extension, `${EXTENSION_ID} is installed`);
      /** @type {unknown} the manifest as VS Code read it */
      const packageJSON = extension.packageJSON;
      const manifest =
        /** @type {{ contributes: { commands: { category: string, title: string }[] } }} */ (
          packageJSON
        );
      const commands = manifest.contributes.commands;
      const contributed = commands.map((c) => `${c.category}: ${c.title}`);
      for (const title of [
        'ScaleNet: Train',
        'ScaleNet: Stop Training',
        'ScaleNet: Show Sidecar Log',
      ]) {
        assert.ok(contributed.includes(title), `"${title}" is in the manifest`);
      }
    },
  ],
  [
    'executeCodeLensProvider on a config returns "▶ Train" running scalenet.train on that file',
    async () => {
      const uri = workspaceFile('tiny.scalenet.json');
      await vscode.window.showTextDocument(uri);
      const lenses = await poll(async () => {
        /** @type {vscode.CodeLens[] | undefined} */
        const found = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', uri);
        return found && found.length > 0 ? found : undefined;
      }, 'CodeLenses on tiny.scalenet.json');
      const train = lenses.filter((lens) => lens.command?.command === 'scalenet.train');
      assert.equal(
        train.length,
        1,
        `one Train lens in ${JSON.stringify(lenses.map((l) => l.command?.title))}`,
      );
      const command = train[0].command;
      assert.ok(command);
      assert.equal(command.title, '▶ Train');
      assert.equal(train[0].range.start.line, 0, 'the lens sits above the first line');
      /** @type {unknown[]} */
      const args = command.arguments ?? [];
      const [argument] = /** @type {({ uri?: vscode.Uri } | undefined)[]} */ (args);
      assert.equal(argument?.uri?.toString(), uri.toString());
    },
  ],
  [
    'executeCodeLensProvider on an ordinary JSON file returns no ScaleNet lens',
    async () => {
      const uri = workspaceFile('other.json');
      await vscode.window.showTextDocument(uri);
      await sleep(500);
      /** @type {vscode.CodeLens[]} */
      const lenses =
        (await vscode.commands.executeCommand('vscode.executeCodeLensProvider', uri)) ?? [];
      const ours = lenses.filter((lens) => lens.command?.command?.startsWith('scalenet.'));
      assert.deepEqual(ours, []);
    },
  ],
  [
    'the schema flags the unknown data.inputMode of the broken config at its value',
    async () => {
      const uri = workspaceFile('broken.scalenet.json');
      const document = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(document);
      const diagnostics = await poll(() => {
        const found = vscode.languages
          .getDiagnostics(uri)
          .filter((d) => /not accepted/i.test(d.message));
        return found.length > 0 ? found : undefined;
      }, 'a schema diagnostic on broken.scalenet.json');
      assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics.map((d) => d.message)));
      const [diagnostic] = diagnostics;
      assert.equal(document.getText(diagnostic.range), '"greyscale"');
      assert.match(diagnostic.message, /"original"/);
      assert.match(diagnostic.message, /"gray-harris"/);
      assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Warning);
    },
  ],
  [
    'a valid config gets no diagnostics',
    async () => {
      const uri = workspaceFile('tiny.scalenet.json');
      await vscode.window.showTextDocument(uri);
      // The JSON server is up (the previous test saw it validate); give it a moment.
      await sleep(1500);
      assert.deepEqual(
        vscode.languages.getDiagnostics(uri).map((d) => d.message),
        [],
      );
    },
  ],
  [
    'the settings are contributed with their defaults',
    () => {
      const settings = vscode.workspace.getConfiguration('scalenet');
      assert.equal(settings.get('backend'), 'auto');
      assert.equal(settings.get('runsDir'), '.scalenet/runs');
      assert.equal(settings.get('nodePath'), '');
      assert.equal(settings.get('threads'), 0);
      return Promise.resolve();
    },
  ],
  [
    'scalenet.train with a config Uri resolves once the run completed, with its run folder',
    async () => {
      const uri = workspaceFile('tiny.scalenet.json');
      await vscode.commands.executeCommand('scalenet.train', { uri });
      const [runDir] = runFolders('e2e-tiny');
      assert.ok(runDir, 'a run folder under .scalenet/runs');
      const summary = readSummary(path.join(runDir, 'summary.json'));
      assert.equal(summary.status, 'completed');
      assert.ok(
        summary.metrics['pretext/accuracy'] >= 0 && summary.metrics['pretext/accuracy'] <= 1,
      );
      assert.ok(fs.existsSync(path.join(runDir, summary.latestCheckpoint, 'model.json')));
    },
  ],
  [
    'scalenet.stop during a run ends it as stopped with a checkpoint',
    async () => {
      const uri = workspaceFile('long.scalenet.json');
      const training = vscode.commands.executeCommand('scalenet.train', { uri });
      // Stop once the first epoch's metrics are on disk, i.e. the run is really going.
      const runDir = await poll(
        () => {
          const [dir] = runFolders('e2e-long');
          const metrics = dir && path.join(dir, 'metrics.jsonl');
          return metrics && fs.existsSync(metrics) && fs.statSync(metrics).size > 0
            ? dir
            : undefined;
        },
        'the long run to write metrics',
        120_000,
      );
      await vscode.commands.executeCommand('scalenet.stop');
      await training;
      const summary = readSummary(path.join(runDir, 'summary.json'));
      assert.equal(summary.status, 'stopped');
      assert.ok(summary.latestCheckpoint, 'a checkpoint is named');
      for (const file of ['model.json', 'weights.bin', 'state.json']) {
        assert.ok(fs.existsSync(path.join(runDir, summary.latestCheckpoint, file)), file);
      }
    },
  ],
];

/**
 * The result file the launchers read (host.test.mjs, electron.mjs).
 * @typedef {{ name: string, ok: boolean, ms: number, error?: string }} HostResult
 * @typedef {{ vscodeVersion: string, appName: string, ms: number, tests: HostResult[] }} HostReport
 */

async function run() {
  const startedAt = Date.now();
  /** @type {HostResult[]} */
  const results = [];
  for (const [name, fn] of TESTS) {
    const start = Date.now();
    try {
      await fn();
      results.push({ name, ok: true, ms: Date.now() - start });
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      results.push({ name, ok: false, ms: Date.now() - start, error: message });
    }
  }
  /** @type {HostReport} */
  const report = {
    vscodeVersion: vscode.version,
    appName: vscode.env.appName,
    ms: Date.now() - startedAt,
    tests: results,
  };
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
  const file = process.env.SCALENET_E2E_RESULT || path.join(folder, '.e2e-host-result.json');
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(report, null, 2));
  fs.renameSync(`${file}.tmp`, file);
  const failed = results.filter((r) => !r.ok);
  for (const r of results)
    console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name}${r.ok ? '' : `\n${r.error}`}`);
  if (failed.length > 0)
    throw new Error(`${failed.length} of ${results.length} extension host tests failed`);
}

module.exports = { run };
