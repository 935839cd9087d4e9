/**
 * Everything around runs beyond Train/Stop: the runs view and its actions, Resume Run,
 * New Config, Compare Runs, Install GPU Backend, and the config diagnostics. main.ts
 * registers it with one line; every registration is owned by the returned disposable.
 */
import * as vscode from 'vscode';
import type { ActiveRunTracker } from './activeRun';
import { compareRuns } from './commands/compareRuns';
import { installGpuBackend } from './commands/installGpuBackend';
import { setUpNativeBackend } from './commands/setUpNativeBackend';
import { newConfig } from './commands/newConfig';
import { resumeRun } from './commands/resumeRun';
import { registerConfigDiagnostics } from './diagnostics/configDiagnostics';
import { deleteRun, openPanel, revealRun, type RunActionServices } from './runs/runActions';
import { RUNS_VIEW_ID, RunsTreeProvider } from './runs/runsView';
import type { SidecarClient } from './supervisor/client';

export interface RunFeatureServices {
  context: vscode.ExtensionContext;
  client: SidecarClient;
  runs: ActiveRunTracker;
  log: vscode.LogOutputChannel;
}

export function registerRunFeatures(services: RunFeatureServices): vscode.Disposable {
  const { context, client, log } = services;
  const view = new RunsTreeProvider(client);
  const treeView = vscode.window.createTreeView(RUNS_VIEW_ID, {
    treeDataProvider: view,
    // Several runs selected: "Compare Runs" compares them.
    canSelectMany: true,
  });
  const actions: RunActionServices = { view, runs: services.runs, log };
  const command = (id: string, fn: (...args: unknown[]) => unknown) =>
    vscode.commands.registerCommand(id, fn);
  return vscode.Disposable.from(
    view,
    treeView,
    command('scalenet.refreshRuns', () => view.refresh()),
    command('scalenet.runs.openLossCurves', (arg) => openPanel(actions, 'lossCurves', arg)),
    command('scalenet.runs.openAttentionMaps', (arg) => openPanel(actions, 'attentionMaps', arg)),
    command('scalenet.runs.reveal', (arg) => revealRun(actions, arg)),
    command('scalenet.runs.delete', (arg) => deleteRun(actions, arg)),
    command('scalenet.resumeRun', (arg) => resumeRun(view, arg)),
    command('scalenet.newConfig', () => newConfig()),
    command('scalenet.compareRuns', (clicked, selected) => compareRuns(view, clicked, selected)),
    command('scalenet.installGpuBackend', () => installGpuBackend(context, client, log)),
    command('scalenet.setUpNativeBackend', () => setUpNativeBackend(context, client, log)),
    registerConfigDiagnostics(),
  );
}
