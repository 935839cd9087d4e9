/**
 * "ScaleNet: Train" and "ScaleNet: Stop Training". Train runs a config through the
 * supervised sidecar with a cancellable progress notification (cancel = stop with a
 * checkpoint), then says how it ended; after a crash it offers to resume.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import {
  errorMessage,
  failureText,
  resultsHeadline,
  type ErrorData,
} from '../../sidecar/protocol/index';
import type { ActiveRun, ActiveRunTracker } from '../activeRun';
import { confirmTrainDespiteErrors } from '../configProblems';
import { refuseUntrusted } from '../trust';
import { chooseConfig, configDisplayName, loadConfig, type LoadedConfig } from '../configFiles';
import { finalAccuracy, formatPercent, longProgress, runFraction } from '../progressText';
import type { SidecarClient } from '../supervisor/client';
import type { SupervisedRunFinished } from '../supervisor/supervisor';

export interface TrainServices {
  client: SidecarClient;
  runs: ActiveRunTracker;
  log: vscode.LogOutputChannel;
}

/** What the CodeLens and the "Resume" button pass; the palette passes nothing. */
export interface TrainArgs {
  uri?: vscode.Uri;
  /** A run folder to continue from its last checkpoint. */
  resume?: string;
}

const SHOW_LOG = 'Show Log';

export async function train(services: TrainServices, arg?: vscode.Uri | TrainArgs): Promise<void> {
  const args: TrainArgs = arg instanceof vscode.Uri ? { uri: arg } : (arg ?? {});
  if (!vscode.workspace.isTrusted) {
    await refuseUntrusted('trains');
    return;
  }
  const current = services.runs.run;
  if (current) {
    await offerToStop(services, current);
    return;
  }
  const uri = await chooseConfig(args.uri);
  if (!uri) return;
  const loaded = await loadConfig(uri);
  if (!loaded) return;
  // A resume trains the run's stored config, not the editor's: no need to ask then.
  if (!args.resume && !(await confirmTrainDespiteErrors(uri, loaded.name))) return;

  let finished: SupervisedRunFinished | undefined;
  try {
    finished = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `ScaleNet: ${args.resume ? 'resuming' : 'training'} ${loaded.name}`,
        cancellable: true,
      },
      (progress, token) => runWithProgress(services, loaded, args.resume, progress, token),
    );
  } catch (error) {
    await showStartError(services, loaded, error);
    return;
  }
  if (finished) void showFinished(services, loaded, finished);
}

async function runWithProgress(
  services: TrainServices,
  loaded: LoadedConfig,
  resume: string | undefined,
  progress: vscode.Progress<{ message?: string; increment?: number }>,
  token: vscode.CancellationToken,
): Promise<SupervisedRunFinished | undefined> {
  const { client, runs } = services;
  if (client.state !== 'running') progress.report({ message: 'starting the sidecar…' });
  await client.start();
  if (token.isCancellationRequested) return undefined;
  progress.report({ message: 'loading data…' });
  const started = await client.startRun({
    configPath: loaded.uri.fsPath,
    config: loaded.config,
    runsDir: loaded.runsDir,
    resume,
  });
  services.log.info(`Run ${started.runId} started for ${loaded.uri.fsPath} in ${started.runDir}`);
  const run = runs.begin({
    runId: started.runId,
    runDir: started.runDir,
    configUri: loaded.uri,
    name: configDisplayName(loaded.uri, started.config) || loaded.name,
  });

  if (vscode.workspace.getConfiguration('scalenet').get<boolean>('showLossCurvesOnTrain', true)) {
    // Beside the config, live; the panel command reveals an open panel instead of a second.
    vscode.commands
      .executeCommand('scalenet.showLossCurves', started.runDir)
      .then(undefined, (error: unknown) =>
        services.log.warn(`Could not open the loss curves: ${errorMessage(error)}`),
      );
  }

  let reported = 0;
  const subscriptions: vscode.Disposable[] = [];
  const ended = new Promise<SupervisedRunFinished>((resolve) => {
    subscriptions.push(
      client.onFinished((f) => {
        if (f.runId === run.runId) resolve(f);
      }),
      runs.onDidChange((active) => {
        if (active?.runId !== run.runId || !active.progress) return;
        // Increments add up in the notification: report only what was gained.
        const percent = runFraction(active.progress) * 100;
        const increment = Math.max(0, percent - reported);
        reported += increment;
        const stopping = active.stopRequested ? 'stopping at the next batch… · ' : '';
        progress.report({ message: stopping + longProgress(active.progress), increment });
      }),
      token.onCancellationRequested(() => void requestStop(services, run)),
    );
  });
  if (token.isCancellationRequested) void requestStop(services, run);
  try {
    return await ended;
  } finally {
    for (const s of subscriptions) s.dispose();
    runs.end(run.runId);
  }
}

/** "ScaleNet: Stop Training": stops at the next batch; the sidecar writes a checkpoint. */
export async function stopTraining(services: TrainServices): Promise<void> {
  const run = services.runs.run;
  if (!run) {
    void vscode.window.showInformationMessage('ScaleNet: no training run is going.');
    return;
  }
  await requestStop(services, run);
}

async function requestStop(services: TrainServices, run: ActiveRun): Promise<void> {
  if (run.stopRequested) return;
  services.runs.markStopping();
  services.log.info(`Stopping run ${run.runId} at the next batch.`);
  try {
    const { stopping } = await services.client.stopRun(run.runId);
    if (!stopping) services.log.info(`Run ${run.runId} had already ended.`);
  } catch (error) {
    services.log.error(`run/stop failed: ${errorMessage(error)}`);
    void vscode.window.showErrorMessage(`ScaleNet: could not stop the run: ${errorMessage(error)}`);
  }
}

async function offerToStop(services: TrainServices, run: ActiveRun): Promise<void> {
  const stop = 'Stop It';
  const answer = await vscode.window.showInformationMessage(
    `ScaleNet: ${run.name} is training; one run at a time.`,
    stop,
    SHOW_LOG,
  );
  if (answer === stop) await requestStop(services, run);
  if (answer === SHOW_LOG) services.log.show();
}

async function showStartError(
  services: TrainServices,
  loaded: LoadedConfig,
  error: unknown,
): Promise<void> {
  const data = (error as { data?: ErrorData } | undefined)?.data;
  services.log.error(`Training ${loaded.name} did not start: ${errorMessage(error)}`);
  // A config error says field, problem and fix once; other errors are shown as they come.
  const text = data?.problem
    ? `${data.field || basename(loaded.uri.fsPath)} ${data.problem}. ${data.fix ?? ''}`
    : `${errorMessage(error).replace(/\.$/, '')}.`;
  const openConfig = 'Open Config';
  const settings = 'Open Settings';
  const buttons = data?.field
    ? [openConfig, SHOW_LOG]
    : services.client.state === 'startFailed'
      ? [SHOW_LOG, settings]
      : [SHOW_LOG];
  const answer = await vscode.window.showErrorMessage(`ScaleNet: ${text.trim()}`, ...buttons);
  if (answer === SHOW_LOG) services.log.show();
  if (answer === settings) {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'scalenet');
  }
  if (answer === openConfig) await revealField(loaded.uri, data?.field);
}

async function showFinished(
  services: TrainServices,
  loaded: LoadedConfig,
  f: SupervisedRunFinished,
): Promise<void> {
  const resume = 'Resume';
  const reveal = 'Reveal Run Folder';
  let answer: string | undefined;
  if (f.status === 'completed') {
    // Downstream results first-class: what the run was for is the fine-tune / linear / kNN.
    const results = resultsHeadline(f.metrics);
    const accuracy = finalAccuracy(f);
    const headline = results
      ? `: ${results}`
      : accuracy === undefined
        ? ''
        : `: pretext accuracy ${formatPercent(accuracy)}`;
    answer = await vscode.window.showInformationMessage(
      `ScaleNet: ${loaded.name} finished${headline}.`,
      reveal,
      SHOW_LOG,
    );
  } else if (f.status === 'stopped') {
    answer = await vscode.window.showInformationMessage(
      `ScaleNet: ${loaded.name} stopped${f.checkpoint ? '; it can resume from its checkpoint' : ''}.`,
      ...(f.checkpoint ? [resume] : []),
      reveal,
    );
  } else if (f.crash) {
    answer = await vscode.window.showErrorMessage(
      `ScaleNet: ${f.error?.message ?? 'the sidecar crashed'} Resume continues ${loaded.name} from its last checkpoint.`,
      resume,
      SHOW_LOG,
    );
  } else {
    answer = await vscode.window.showErrorMessage(
      `ScaleNet: ${loaded.name} failed: ${failureText(f.error)}`,
      SHOW_LOG,
      ...(f.error?.field ? ['Open Config'] : []),
    );
    if (answer === 'Open Config') await revealField(loaded.uri, f.error?.field);
  }
  if (answer === SHOW_LOG) services.log.show();
  if (answer === reveal) {
    await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(f.runDir));
  }
  if (answer === resume) {
    const args: TrainArgs = { uri: loaded.uri, resume: f.runDir };
    await vscode.commands.executeCommand('scalenet.train', args);
  }
}

/** Opens the config at a field's key (`pretext.scales` → the `"scales"` key), if found. */
async function revealField(uri: vscode.Uri, field: string | undefined): Promise<void> {
  const document = await vscode.workspace.openTextDocument(uri);
  const key = field
    ?.split('.')
    .at(-1)
    ?.replace(/\[\d+\]$/, '');
  const offset = key ? document.getText().indexOf(`"${key}"`) : -1;
  const position = document.positionAt(Math.max(offset, 0));
  await vscode.window.showTextDocument(document, {
    selection: new vscode.Range(position, position),
  });
}
