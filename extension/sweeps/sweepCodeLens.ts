/** "▶ Run locally · Submit to Slurm · Status · Report" above every `*.sweep.json`. */
import * as vscode from 'vscode';

export const SWEEP_SUFFIX = '.sweep.json';
const top = new vscode.Range(0, 0, 0, 0);

export const SWEEP_LENSES: [title: string, command: string, tooltip: string][] = [
  [
    '▶ Run locally',
    'scalenet.sweep.runLocal',
    'Train every variant on this machine (again: only what has not completed)',
  ],
  [
    'Submit to Slurm',
    'scalenet.sweep.submitSlurm',
    'One sbatch job array, settings from the "slurm" section',
  ],
  ['Status', 'scalenet.sweep.status', "Each variant's state: Slurm's joined with its run's"],
  ['Report', 'scalenet.sweep.report', 'report.md and charts of the completed runs, opened beside'],
];

export class SweepCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!document.uri.path.endsWith(SWEEP_SUFFIX)) return [];
    return SWEEP_LENSES.map(
      ([title, command, tooltip]) =>
        new vscode.CodeLens(top, { title, command, tooltip, arguments: [document.uri] }),
    );
  }
}

export function registerSweepCodeLens(): vscode.Disposable {
  return vscode.languages.registerCodeLensProvider(
    [
      { language: 'json', pattern: `**/*${SWEEP_SUFFIX}` },
      { language: 'jsonc', pattern: `**/*${SWEEP_SUFFIX}` },
    ],
    new SweepCodeLensProvider(),
  );
}
