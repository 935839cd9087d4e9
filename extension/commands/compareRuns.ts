/**
 * "ScaleNet: Compare Runs": pick completed runs, see them side by side as the paper's
 * Table 3 (mean ± std over seeds) in a read-only markdown preview.
 */
import * as vscode from 'vscode';
import { comparisonMarkdown } from '../runs/compareTable';
import { presentRun } from '../runs/runPresentation';
import type { RunsTreeProvider } from '../runs/runsView';

export async function compareRuns(view: RunsTreeProvider): Promise<string | undefined> {
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
  const markdown = comparisonMarkdown(picked.map((p) => p.run));
  const document = await vscode.workspace.openTextDocument({
    language: 'markdown',
    content: markdown,
  });
  await vscode.commands.executeCommand('markdown.showPreview', document.uri);
  return markdown;
}
