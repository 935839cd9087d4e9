/**
 * "ScaleNet: Resume Run": continues a stopped, interrupted or failed run from its last
 * checkpoint, through "ScaleNet: Train" with `{ resume }` so that progress, stop and the
 * end message are the same as a new run's. From the runs view the run comes as the node.
 */
import * as vscode from 'vscode';
import type { RunInfo } from '../../sidecar/protocol/index';
import { isResumable, presentRun } from '../runs/runPresentation';
import { runOf } from '../runs/runActions';
import { configForRun } from '../runs/runsFolders';
import type { RunsTreeProvider } from '../runs/runsView';
import type { TrainArgs } from './train';

export async function resumeRun(view: RunsTreeProvider, arg?: unknown): Promise<void> {
  const run = arg === undefined ? await pickRun(view) : runOf(arg, view);
  if (!run) return;
  if (run.status !== undefined && !isResumable(run)) {
    void vscode.window.showInformationMessage(
      `ScaleNet: ${run.name} is ${run.status}${run.latestCheckpoint ? '' : ' and has no checkpoint'}; only a stopped, interrupted or failed run with a checkpoint can resume.`,
    );
    return;
  }
  const args: TrainArgs = {
    uri: vscode.Uri.file(configForRun(run, view.runsFolders)),
    resume: run.runDir,
  };
  await vscode.commands.executeCommand('scalenet.train', args);
}

async function pickRun(view: RunsTreeProvider): Promise<RunInfo | undefined> {
  const candidates = (await view.list()).filter(isResumable);
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(
      'ScaleNet: no run to resume (a stopped, interrupted or failed run with a checkpoint).',
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map((run) => {
      const shown = presentRun(run);
      return {
        label: `$(${shown.icon.id}) ${run.name}`,
        description: `${run.status} · ${shown.description}`,
        detail: run.runDir,
        run,
      };
    }),
    {
      title: 'ScaleNet: Resume Run',
      placeHolder: 'Which run? It continues from its last checkpoint.',
    },
  );
  return picked?.run;
}
