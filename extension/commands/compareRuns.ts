/**
 * "ScaleNet: Compare Runs": pick completed runs, see them side by side as the paper's
 * Table 3 (mean ± std over seeds) in a markdown preview. The table is written into the
 * runs folder (`comparison-<time>.md`) so that it survives the window, rather than an
 * unsaved "Untitled" document. From the runs view, the runs selected there are compared
 * without asking.
 */
import { rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
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
  if (fromView.length > 0) return show(comparisonMarkdown(fromView), fromView);
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
  const runs = picked.map((p) => p.run);
  return show(comparisonMarkdown(runs), runs);
}

/** `comparison-20261202-064512.md`: sortable, and one per comparison. */
export function comparisonFileName(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `comparison-${stamp}.md`;
}

async function show(markdown: string, runs: readonly RunInfo[]): Promise<string> {
  // Beside the runs compared: the folder that holds the first of them.
  const file = join(dirname(runs[0].runDir), comparisonFileName(new Date()));
  // Written beside it and renamed: whoever watches the folder (the e2e suite, a sync tool)
  // never reads a half-written comparison.
  const partial = join(dirname(file), `.${basename(file)}.partial`);
  await writeFile(partial, markdown, 'utf8');
  await rename(partial, file);
  await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(file));
  return markdown;
}
