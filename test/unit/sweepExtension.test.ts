/**
 * Sweeps in VS Code: the CodeLens on *.sweep.json and the commands behind it, through
 * the recorded stand-in for `vscode` and the real bundled CLI (dist/cli.js; npm run
 * build first) on a finished fixture sweep folder.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as fake from '../fixtures/vscode/fakeVscode';
import { installViews, views } from '../fixtures/vscode/fakeViews';
import { fixtureSweep } from '../helpers/sweepFixture';

fake.install();
installViews();
const root = fileURLToPath(new URL('../..', import.meta.url));
const terminals: { name: string; shellPath: string; shellArgs: string[]; cwd?: string }[] = [];
Object.assign(fake.window, {
  createTerminal: (options: (typeof terminals)[0]) => {
    terminals.push(options);
    return { show: () => undefined, dispose: () => undefined };
  },
});

interface SweepModule {
  registerSweeps(extensionPath: string): { dispose(): void };
}

let sweepDir: string;
let registration: { dispose(): void };

before(async () => {
  sweepDir = fixtureSweep().dir;
  // The stand-in's file watchers watch the workspace folder: keep it small.
  fake.state.workspaceFolder = sweepDir;
  const mod = (await import('../../extension/sweeps/sweepCommands')) as SweepModule;
  registration = mod.registerSweeps(root);
});

after(() => registration.dispose());

interface TreeItemLike {
  label: string;
  description?: string;
  command?: { command: string; arguments?: unknown[] };
}
interface SweepsTree {
  refresh(): Promise<void>;
  getChildren(node?: unknown): unknown[];
  getTreeItem(node: unknown): TreeItemLike;
}

describe('sweeps in VS Code', () => {
  it('shows Run locally, Submit to Slurm, Status and Report above a sweep file only', () => {
    const sweep = new fake.FakeTextDocument(fake.Uri.file('/w/t3.sweep.json'));
    const config = new fake.FakeTextDocument(fake.Uri.file('/w/a.scalenet.json'));
    const lenses = fake.state.codeLensProviders.flatMap((p) => p.provideCodeLenses(sweep));
    assert.deepEqual(
      lenses.map((l) => [l.command?.title, l.command?.command]),
      [
        ['▶ Run locally', 'scalenet.sweep.runLocal'],
        ['Submit to Slurm', 'scalenet.sweep.submitSlurm'],
        ['Status', 'scalenet.sweep.status'],
        ['Report', 'scalenet.sweep.report'],
      ],
    );
    assert.deepEqual(lenses[0].command?.arguments, [sweep.uri]);
    assert.deepEqual(
      fake.state.codeLensProviders.flatMap((p) => p.provideCodeLenses(config)),
      [],
    );
  });

  it('runs and submits through the bundled CLI in a terminal', async () => {
    const uri = fake.Uri.file('/w/sweeps/t3.sweep.json');
    await fake.commands.executeCommand('scalenet.sweep.runLocal', uri);
    await fake.commands.executeCommand('scalenet.sweep.submitSlurm', uri);
    const cli = join(root, 'dist', 'cli.js');
    assert.deepEqual(
      terminals.map((t) => [t.shellPath, t.shellArgs, t.cwd]),
      [
        [process.execPath, [cli, 'sweep', '/w/sweeps/t3.sweep.json'], '/w/sweeps'],
        [
          process.execPath,
          [cli, 'sweep', '/w/sweeps/t3.sweep.json', '--executor', 'slurm'],
          '/w/sweeps',
        ],
      ],
    );
  });

  it('Status lists every variant with the state the CLI reports', async () => {
    fake.state.quickPickAnswer = () => undefined;
    const statuses = (await fake.commands.executeCommand(
      'scalenet.sweep.status',
      fake.Uri.file(sweepDir),
    )) as { state: string }[] | undefined;
    assert.equal(statuses?.length, 12);
    assert.ok(statuses.every((s) => s.state === 'COMPLETED'));
    const pick = fake.state.quickPicks.at(-1)!;
    assert.equal(pick.title, 'Sweep: 12 COMPLETED');
    const items = pick.items as { label: string; description: string }[];
    assert.equal(items.length, 12);
    assert.deepEqual(items[0], {
      ...items[0],
      label: '$(pass) rotnet-original-seed1',
      description: 'COMPLETED',
    });
  });

  it('Report writes the report and opens report.md beside the editor', async () => {
    await fake.commands.executeCommand('scalenet.sweep.report', fake.Uri.file(sweepDir));
    const shown = fake.state.executed.find((e) => e.id === 'markdown.showPreviewToSide');
    const file = (shown?.args[0] as fake.Uri).fsPath;
    assert.equal(file, join(sweepDir, 'report', 'report.md'));
    assert.ok(existsSync(file));
    assert.match(readFileSync(file, 'utf8'), /\| RotNet \| original \| 52\.0 ± 1\.0 \(3\) \|/);
  });

  it('Cancel Sweep asks first, then reports what the CLI cancelled', async () => {
    fake.state.nextAnswer = undefined;
    await fake.commands.executeCommand('scalenet.sweep.cancel', fake.Uri.file(sweepDir));
    assert.match(fake.state.messages.at(-1)!.text, /Cancel the queued and running Slurm tasks/);
    const before = fake.state.messages.length;
    fake.state.nextAnswer = 'Cancel Tasks';
    await fake.commands.executeCommand('scalenet.sweep.cancel', fake.Uri.file(sweepDir));
    assert.equal(fake.state.messages.length, before + 2);
    assert.equal(
      fake.state.messages.at(-1)!.text,
      'ScaleNet: No queued or running Slurm tasks to cancel.',
    );
  });

  it('the Sweeps view lists each variant with its state and opens its loss curves', async () => {
    const sweepFile = join(sweepDir, 'fixture.sweep.json');
    writeFileSync(sweepFile, JSON.stringify({ name: 'fixture', base: {}, sweepDir: '.' }));
    fake.state.configFiles = [fake.Uri.file(sweepFile)];
    const tree = views.trees.get('scalenet.sweeps') as unknown as SweepsTree;
    await tree.refresh();
    const [sweep] = tree.getChildren();
    assert.deepEqual(
      { label: tree.getTreeItem(sweep).label, description: tree.getTreeItem(sweep).description },
      { label: 'fixture', description: '12/12 completed' },
    );
    const variants = tree.getChildren(sweep).map((n) => tree.getTreeItem(n));
    assert.equal(variants.length, 12);
    assert.deepEqual(
      { label: variants[0].label, description: variants[0].description },
      { label: 'rotnet-original-seed1', description: 'COMPLETED · pretext 51.0%' },
    );
    assert.equal(variants[0].command?.command, 'scalenet.runs.openLossCurves');
    assert.deepEqual(variants[0].command?.arguments, [
      join(sweepDir, 'runs', 'rotnet-original-seed1'),
    ]);
  });
});
