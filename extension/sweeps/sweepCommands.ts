/**
 * The sweep commands behind the CodeLens and the palette: run locally or submit to
 * Slurm (in a terminal), show each variant's state, write and open the report, cancel.
 */
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { VariantStatus } from '../../sidecar/protocol/sweep';
import { registerSweepCodeLens, SWEEP_SUFFIX } from './sweepCodeLens';
import { bundledCli, type SweepCli } from './sweepCli';
import { registerSweepsView } from './sweepsView';

/** The given sweep file, else the active editor's, else one the user picks. */
export async function chooseSweep(given?: vscode.Uri): Promise<vscode.Uri | undefined> {
  if (given) return given;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.path.endsWith(SWEEP_SUFFIX)) return active;
  const found = await vscode.workspace.findFiles(`**/*${SWEEP_SUFFIX}`, '**/node_modules/**', 200);
  if (found.length === 0) {
    void vscode.window.showInformationMessage(
      'ScaleNet: no *.sweep.json in this workspace (see examples/sweeps/table3-fashion.sweep.json).',
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    found.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
    { title: 'Which sweep?' },
  );
  return picked?.uri;
}

const ICONS: Record<string, string> = {
  COMPLETED: '$(pass)',
  RUNNING: '$(sync~spin)',
  PENDING: '$(clock)',
  FAILED: '$(error)',
  TIMEOUT: '$(watch)',
  CANCELLED: '$(circle-slash)',
  STOPPED: '$(debug-pause)',
  NOT_SUBMITTED: '$(circle-outline)',
};

export function statusItems(statuses: VariantStatus[]) {
  return statuses.map((s) => ({
    label: `${ICONS[s.state] ?? ''} ${s.name}`.trim(),
    description: `${s.state}${s.jobId ? ` · ${s.jobId}` : ''}`,
    detail: s.runDir,
    status: s,
  }));
}

function failed(what: string, stderr: string): void {
  void vscode.window.showErrorMessage(`ScaleNet: ${what} failed: ${stderr.trim() || 'no output'}`);
}

export async function showStatus(
  cli: SweepCli,
  uri: vscode.Uri,
): Promise<VariantStatus[] | undefined> {
  const result = await cli.run(['sweep', 'status', uri.fsPath, '--json']);
  if (result.code !== 0) return (failed('sweep status', result.stderr), undefined);
  const statuses = JSON.parse(result.stdout) as VariantStatus[];
  const counts = new Map<string, number>();
  for (const s of statuses) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
  const picked = await vscode.window.showQuickPick(statusItems(statuses), {
    title: `Sweep: ${[...counts].map(([state, n]) => `${n} ${state}`).join(', ')}`,
  });
  if (picked?.status.runDir) {
    await vscode.commands.executeCommand(
      'revealFileInOS',
      vscode.Uri.file(join(picked.status.runDir, 'summary.json')),
    );
  }
  return statuses;
}

export async function openReport(cli: SweepCli, uri: vscode.Uri): Promise<string | undefined> {
  const result = await cli.run(['report', uri.fsPath]);
  if (result.code !== 0) return (failed('report', result.stderr || result.stdout), undefined);
  const file = /Report of \d+ runs: (.+report\.md)/.exec(result.stdout)?.[1];
  if (!file) return (failed('report', result.stdout), undefined);
  await vscode.commands.executeCommand('markdown.showPreviewToSide', vscode.Uri.file(file));
  return file;
}

export async function cancelSweep(cli: SweepCli, uri: vscode.Uri): Promise<boolean> {
  const answer = await vscode.window.showWarningMessage(
    `Cancel the queued and running Slurm tasks of ${vscode.workspace.asRelativePath(uri)}? Running ones write a checkpoint first; submitting again resumes them.`,
    { modal: true },
    'Cancel Tasks',
  );
  if (answer !== 'Cancel Tasks') return false;
  const result = await cli.run(['sweep', 'cancel', uri.fsPath]);
  if (result.code !== 0) return (failed('sweep cancel', result.stderr), false);
  void vscode.window.showInformationMessage(`ScaleNet: ${result.stdout.trim()}`);
  return true;
}

export function registerSweeps(
  extensionPath: string,
  cli: SweepCli = bundledCli(extensionPath),
): vscode.Disposable {
  const withSweep = (action: (uri: vscode.Uri) => unknown) => async (given?: vscode.Uri) => {
    const uri = await chooseSweep(given);
    return uri ? await action(uri) : undefined;
  };
  const terminal = (title: string, extra: string[]) => (uri: vscode.Uri) =>
    cli.runInTerminal(
      `ScaleNet ${title}: ${uri.path.split('/').pop()}`,
      ['sweep', uri.fsPath, ...extra],
      dirname(uri.fsPath),
    );
  return vscode.Disposable.from(
    registerSweepCodeLens(),
    registerSweepsView(cli),
    vscode.commands.registerCommand('scalenet.sweep.runLocal', withSweep(terminal('sweep', []))),
    vscode.commands.registerCommand(
      'scalenet.sweep.submitSlurm',
      withSweep(terminal('Slurm', ['--executor', 'slurm'])),
    ),
    vscode.commands.registerCommand(
      'scalenet.sweep.status',
      withSweep((uri) => showStatus(cli, uri)),
    ),
    vscode.commands.registerCommand(
      'scalenet.sweep.report',
      withSweep((uri) => openReport(cli, uri)),
    ),
    vscode.commands.registerCommand(
      'scalenet.sweep.cancel',
      withSweep((uri) => cancelSweep(cli, uri)),
    ),
  );
}
