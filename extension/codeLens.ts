/**
 * "▶ Train" above a `*.scalenet.json`, or "■ Stop" with the run's live progress while
 * that config is training; then "Preview inputs", "Attention maps" and "Compare runs".
 * The lenses run the same commands as the palette.
 */
import * as vscode from 'vscode';
import type { ActiveRunTracker } from './activeRun';
import { CONFIG_SUFFIX } from './configFiles';
import { configErrors, problemCount } from './configProblems';
import { shortProgress } from './progressText';
import type { TrainArgs } from './commands/train';

const top = new vscode.Range(0, 0, 0, 0);

/** What the config's data and runs look like: the same commands as the palette. */
function lookLenses(uri: vscode.Uri): vscode.CodeLens[] {
  return [
    new vscode.CodeLens(top, {
      title: 'Preview inputs',
      command: 'scalenet.previewHarris',
      arguments: [uri],
      tooltip: "Harris, gray and scaled images of this config's dataset",
    }),
    new vscode.CodeLens(top, {
      title: 'Attention maps',
      command: 'scalenet.openAttentionMaps',
      arguments: [uri],
      tooltip: 'Grad-CAM of trained runs, stage by stage',
    }),
    new vscode.CodeLens(top, {
      title: 'Representation map',
      command: 'scalenet.showRepresentationMap',
      tooltip: 'UMAP of trained runs’ test embeddings, side by side, with kNN accuracy',
    }),
    new vscode.CodeLens(top, {
      title: 'Compare runs',
      command: 'scalenet.compareRuns',
      tooltip: 'Completed runs side by side, mean ± std over seeds',
    }),
  ];
}

class ConfigCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly runs: ActiveRunTracker) {
    // Progress arrives a few times a second at most (sidecar throttling), so a refresh
    // per change is cheap.
    this.subscription = vscode.Disposable.from(
      runs.onDidChange(() => this.changeEmitter.fire()),
      // The Train lens counts the config's errors.
      vscode.languages.onDidChangeDiagnostics(() => this.changeEmitter.fire()),
    );
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!document.uri.path.endsWith(CONFIG_SUFFIX)) return [];
    return [...this.runLenses(document), ...lookLenses(document.uri)];
  }

  private runLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const run = this.runs.run;
    if (run && this.runs.isRunning(document.uri)) {
      const progress = run.progress ? shortProgress(run.progress) : 'starting…';
      return [
        new vscode.CodeLens(top, {
          title: run.stopRequested ? '$(loading~spin) Stopping…' : '■ Stop',
          command: 'scalenet.stop',
          tooltip: 'Stop at the next batch and write a checkpoint',
        }),
        new vscode.CodeLens(top, {
          title: `$(sync~spin) ${progress}`,
          command: 'scalenet.showLog',
          tooltip: `Run folder: ${run.runDir}`,
        }),
      ];
    }
    const args: TrainArgs = { uri: document.uri };
    const errors = configErrors(document.uri);
    const problems =
      errors.length === 0
        ? undefined
        : `${problemCount(errors.length)}: ${errors.map((e) => e.message).join('; ')}`;
    return [
      new vscode.CodeLens(top, {
        title: problems ? `▶ Train (${problemCount(errors.length)})` : '▶ Train',
        command: 'scalenet.train',
        arguments: [args],
        tooltip: run
          ? `${run.name} is training; one run at a time`
          : (problems ?? 'Train this config'),
      }),
    ];
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}

export function registerCodeLens(runs: ActiveRunTracker): vscode.Disposable {
  const provider = new ConfigCodeLensProvider(runs);
  const registration = vscode.languages.registerCodeLensProvider(
    [
      { language: 'json', pattern: `**/*${CONFIG_SUFFIX}` },
      { language: 'jsonc', pattern: `**/*${CONFIG_SUFFIX}` },
    ],
    provider,
  );
  return vscode.Disposable.from(registration, provider);
}
