/**
 * "ScaleNet: Compare Runs": pick completed runs, see them side by side as the paper's
 * Table 3 (mean ± std over seeds) in a read-only markdown preview. From the runs view,
 * the runs selected there are compared without asking.
 */
import * as vscode from 'vscode';
import type { RunInfo } from '../../sidecar/protocol/index';
import { comparisonMarkdown } from '../runs/compareTable';
import { presentRun } from '../runs/runPresentation';
import type { RunsTreeProvider } from '../runs/runsView';

export async function compareRuns(
  view: RunsTreeProvider,
  clicked?: unknown,
  selected?: unknown,
): Promise<string | undefined> {
  // A view context menu passes the clicked node and every selected one.
  const fromView = (Array.isArray(selected) ? selected : [clicked])
    .map((n) => (n as { kind?: string; run?: RunInfo } | undefined)?.run)
    .filter((r): r is RunInfo => r?.status === 'completed');
  if (fromView.length > 0) return show(comparisonMarkdown(fromView));
  const completed = (await view.list()).filter((r) => r.status === 'completed');
  if (completed.length === 0) {
    void vscode.window.showInformationMessage('ScaleNet: no completed runs to compare yet.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    completed.map((run) => ({
      label: run.name,
      description: presentRun(run).description,
      detail: `seed ${run.seed} · ${run.runDir}`,
      picked: true,
      run,
    })),
    { title: 'ScaleNet: Compare Runs', canPickMany: true, placeHolder: 'Runs to compare' },
  );
  if (!picked || picked.length === 0) return undefined;
  return show(comparisonMarkdown(picked.map((p) => p.run)));
}

async function show(markdown: string): Promise<string> {
  const document = await vscode.workspace.openTextDocument({
    language: 'markdown',
    content: markdown,
  });
  await vscode.commands.executeCommand('markdown.showPreview', document.uri);
  return markdown;
}
