/**
 * Sweeps in VS Code: the CodeLens on *.sweep.json and the commands behind it, through
 * the recorded stand-in for `vscode` and the real bundled CLI (dist/cli.js; npm run
 * build first) on a finished fixture sweep folder.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as fake from '../fixtures/vscode/fakeVscode';
import { fixtureSweep } from '../helpers/sweepFixture';

fake.install();
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

before(async () => {
  const mod = (await import('../../extension/sweeps/sweepCommands')) as SweepModule;
  mod.registerSweeps(root);
  sweepDir = fixtureSweep().dir;
});

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
});
