/**
 * The runs view's context-menu actions. Each takes the tree node VS Code passes (or a
 * run folder path, for callers outside the view). Delete asks first, in a modal, and
 * never removes a running run or a folder that is not a run.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RunInfo } from '../../sidecar/protocol/index';
import type { ActiveRunTracker } from '../activeRun';
import type { RunsNode, RunsTreeProvider } from './runsView';

export interface RunActionServices {
  view: RunsTreeProvider;
  runs: ActiveRunTracker;
  log: vscode.LogOutputChannel;
}

/** The run a command was invoked on: a tree node, a RunInfo, or a run folder path. */
export function runOf(arg: unknown, view: RunsTreeProvider): RunInfo | undefined {
  const node = arg as Partial<RunsNode> | undefined;
  if (node?.kind === 'run') return node.run;
  const dir = typeof arg === 'string' ? arg : (arg as { runDir?: unknown } | undefined)?.runDir;
  if (typeof dir !== 'string') return undefined;
  return view.runs.find((r) => r.runDir === dir) ?? ({ runDir: dir } as RunInfo);
}

/** The panels a run opens in (extension/panels registers their commands). */
const PANEL_COMMANDS = {
  lossCurves: 'scalenet.showLossCurves',
  attentionMaps: 'scalenet.openAttentionMaps',
} as const;

export async function openPanel(
  services: RunActionServices,
  panel: keyof typeof PANEL_COMMANDS,
  arg: unknown,
): Promise<void> {
  const run = runOf(arg, services.view);
  if (!run) return;
  await vscode.commands.executeCommand(PANEL_COMMANDS[panel], run.runDir);
}

/** In the Explorer when the run is inside the workspace, else in the OS file manager. */
export async function revealRun(services: RunActionServices, arg: unknown): Promise<void> {
  const run = runOf(arg, services.view);
  if (!run) return;
  const uri = vscode.Uri.file(run.runDir);
  const inWorkspace = vscode.workspace.getWorkspaceFolder(uri) !== undefined;
  await vscode.commands.executeCommand(inWorkspace ? 'revealInExplorer' : 'revealFileInOS', uri);
}

export async function deleteRun(services: RunActionServices, arg: unknown): Promise<void> {
  const run = runOf(arg, services.view);
  if (!run) return;
  const active = services.runs.run;
  if (run.status === 'running' || active?.runDir === run.runDir) {
    void vscode.window.showWarningMessage(
      `ScaleNet: ${run.name ?? run.runId} is running; stop it before deleting it.`,
    );
    return;
  }
  // A run folder always has its config.json: never remove anything else by mistake.
  if (!existsSync(join(run.runDir, 'config.json'))) {
    void vscode.window.showErrorMessage(`ScaleNet: ${run.runDir} is not a run folder.`);
    return;
  }
  const remove = 'Delete';
  const answer = await vscode.window.showWarningMessage(
    `Delete the run ${run.name ?? run.runId}?`,
    {
      modal: true,
      detail: `${run.runDir}\n\nIts checkpoints, metrics and exported images are removed permanently.`,
    },
    remove,
  );
  if (answer !== remove) return;
  await rm(run.runDir, { recursive: true, force: true });
  services.log.info(`Deleted run folder ${run.runDir}.`);
  services.view.refresh();
}
