/**
 * The errors VS Code shows for a config (ours and the JSON schema's), so that Train is
 * not offered silently on a config that would fail or train on defaults the user did not
 * mean: the CodeLens counts them and "ScaleNet: Train" asks before it starts.
 */
import * as vscode from 'vscode';

export function configErrors(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
}

export function problemCount(n: number): string {
  return `${n} problem${n === 1 ? '' : 's'}`;
}

const TRAIN_ANYWAY = 'Train Anyway';
const SHOW_PROBLEMS = 'Show Problems';

/** True when the config has no errors, or the user chose to train anyway. */
export async function confirmTrainDespiteErrors(uri: vscode.Uri, name: string): Promise<boolean> {
  const errors = configErrors(uri);
  if (errors.length === 0) return true;
  const first = errors[0];
  const line = first.range.start.line + 1;
  const answer = await vscode.window.showWarningMessage(
    `ScaleNet: ${name} has ${problemCount(errors.length)}; the first, on line ${line}: ${first.message}`,
    SHOW_PROBLEMS,
    TRAIN_ANYWAY,
  );
  if (answer === SHOW_PROBLEMS) {
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { selection: first.range });
    await vscode.commands.executeCommand('workbench.actions.view.problems');
  }
  return answer === TRAIN_ANYWAY;
}
