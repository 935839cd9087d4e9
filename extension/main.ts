/**
 * Extension entry point. Everything registered here is owned by `context.subscriptions`;
 * `deactivate` stops the sidecar gracefully first (VS Code awaits it), and disposing the
 * client afterwards kills whatever is left.
 */
import * as vscode from 'vscode';
import { ActiveRunTracker } from './activeRun';
import { registerCodeLens } from './codeLens';
import { registerPanels } from './panels/registerPanels';
import { selectBackend } from './commands/selectBackend';
import { stopTraining, train, type TrainArgs, type TrainServices } from './commands/train';
import { registerRunFeatures } from './runFeatures';
import { SidecarClient } from './supervisor/client';
import { StatusBar } from './statusBar';
import { registerSweeps } from './sweeps/sweepCommands';

let client: SidecarClient | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('ScaleNet', { log: true });
  client = new SidecarClient(context, log);
  const runs = new ActiveRunTracker(client);
  const services: TrainServices = { client, runs, log };
  context.subscriptions.push(
    log,
    client,
    runs,
    new StatusBar(client, runs),
    registerRunFeatures({ context, client, runs, log }),
    registerCodeLens(runs),
    registerSweeps(context.extensionPath),
    registerPanels({ client, log }, context),
    vscode.commands.registerCommand('scalenet.train', (arg?: vscode.Uri | TrainArgs) =>
      train(services, arg),
    ),
    vscode.commands.registerCommand('scalenet.stop', () => stopTraining(services)),
    vscode.commands.registerCommand('scalenet.showLog', () => log.show()),
    vscode.commands.registerCommand('scalenet.selectBackend', () => selectBackend(services.client)),
  );
  const { version } = context.extension.packageJSON as { version?: string };
  log.info(`ScaleNet ${version ?? '?'} activated.`);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
