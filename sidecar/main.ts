/**
 * The sidecar's entry point: a plain Node process forked by a client (the extension or
 * the CLI), spoken to with JSON-RPC over the IPC channel. It owns the compute backend
 * and the training runs; the contract is sidecar/protocol.
 */
import * as tf from '@tensorflow/tfjs';
import { createMessageConnection, IPCMessageWriter, ResponseError } from 'vscode-jsonrpc/node';
import { chooseBackend } from './backend/chooseBackend';
import { registerExportHandlers } from './export/register';
import { registerGradcamHandlers } from './gradcam/register';
import { registerInspectHandlers } from './inspect/register';
import { exitSidecar, parentPidOf, watchParent } from './lifecycle';
import { startParentWatchdog } from './parentWatchdog';
import { GatedIPCMessageReader } from './rpc/envelope';
import {
  InitializeRequest,
  PROTOCOL_VERSION,
  RunFinishedNotification,
  RunProgressNotification,
  RunStartRequest,
  RunStopRequest,
  RunsHistoryRequest,
  RunsListRequest,
  RunsStagesRequest,
  ShutdownRequest,
  ErrorCodes,
  GradcamComputeRequest,
  type BackendReport,
} from './protocol';
import { ActiveRuns } from './runner/activeRuns';
import { describeRuns } from './runs/listRuns';
import { runHistory, runStages } from './runs/runFolderInfo';
import { answering, StateError } from './inspect/errors';
import { SIDECAR_VERSION } from './version';

if (!process.send) {
  process.stderr.write(
    'The ScaleNet sidecar must be started with an IPC channel (child_process.fork).\n',
  );
  process.exit(2);
}

// The gate answers malformed requests, and every request after `shutdown`, with errors.
const connection = createMessageConnection(
  new GatedIPCMessageReader(process),
  new IPCMessageWriter(process),
);
let backend: BackendReport | undefined;

const runs = new ActiveRuns({
  backendLabel: () => backend?.label ?? 'not initialized',
  backendName: () => backend?.name ?? 'none',
  onProgress: (params) => void connection.sendNotification(RunProgressNotification.type, params),
  onFinished: (params) => void connection.sendNotification(RunFinishedNotification.type, params),
});

/** Requests that need the compute backend refuse to run before `initialize` chose it. */
function requireBackend(method: string): void {
  if (!backend)
    throw new StateError(ErrorCodes.notInitialized, `Send initialize before ${method}.`);
}

connection.onRequest(InitializeRequest.type, async (params) => {
  if (params.protocolVersion !== PROTOCOL_VERSION) {
    throw new ResponseError(
      ErrorCodes.protocolMismatch,
      `Protocol mismatch: the client speaks ${params.protocolVersion}, the sidecar ${PROTOCOL_VERSION}. Rebuild (npm run build) or reinstall the extension.`,
    );
  }
  if (!backend) {
    try {
      backend = await chooseBackend(params.backend ?? 'auto');
    } catch (error) {
      throw new ResponseError(ErrorCodes.backendUnavailable, (error as Error).message);
    }
    process.stderr.write(`[sidecar] ${params.clientName} connected; backend: ${backend.label}\n`);
  }
  return {
    version: SIDECAR_VERSION,
    protocolVersion: PROTOCOL_VERSION,
    backend,
    pid: process.pid,
    nodeVersion: process.version,
    tfjsVersion: tf.version.tfjs,
  };
});

connection.onRequest(RunStartRequest.type, (params) =>
  answering(() => {
    requireBackend(RunStartRequest.method);
    return runs.start(params);
  }),
);

connection.onRequest(RunStopRequest.type, (params) => ({ stopping: runs.stop(params.runId) }));

connection.onRequest(RunsListRequest.type, (params) => describeRuns(params.runsDir));
connection.onRequest(RunsHistoryRequest.type, (params) =>
  answering(() => runHistory(params.runDir)),
);
connection.onRequest(RunsStagesRequest.type, (params) =>
  answering(() => {
    requireBackend(RunsStagesRequest.method);
    return runStages(params.runDir);
  }),
);

// Seeing the data (harris/preview, data/inspect, data/preview): no backend needed.
registerInspectHandlers(connection);
registerGradcamHandlers(connection, () => requireBackend(GradcamComputeRequest.method));
registerExportHandlers(connection, requireBackend);

connection.onRequest(ShutdownRequest.type, async () => {
  await runs.stopAll();
  // Answer first, then leave: the client is waiting for this response.
  setTimeout(() => exitSidecar(connection, 'shutdown requested', 0), 10);
  return null;
});

connection.onClose(() => exitSidecar(undefined, 'the IPC channel closed', 0));
process.on('disconnect', () => exitSidecar(undefined, 'the parent disconnected', 0));
watchParent((reason) => exitSidecar(undefined, reason, 0));
// The same watch from a worker thread, for when this thread is stuck and cannot poll.
startParentWatchdog({ parentPid: parentPidOf() });
process.on('uncaughtException', (error) =>
  exitSidecar(connection, `uncaught exception: ${error.stack ?? error.message}`, 1),
);
process.on('unhandledRejection', (reason) =>
  exitSidecar(connection, `unhandled rejection: ${String(reason)}`, 1),
);

connection.listen();
