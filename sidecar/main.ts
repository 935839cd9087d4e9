/**
 * The sidecar's entry point: a plain Node process forked by a client (the extension or
 * the CLI), spoken to with JSON-RPC over the IPC channel. It owns the compute backend
 * and the training runs; the contract is sidecar/protocol.
 */
import * as tf from '@tensorflow/tfjs';
import {
  createMessageConnection,
  IPCMessageReader,
  IPCMessageWriter,
  ResponseError,
} from 'vscode-jsonrpc/node';
import { chooseBackend } from './backend/chooseBackend';
import { ConfigError } from './config/configError';
import { registerExportHandlers } from './export/register';
import { registerGradcamHandlers } from './gradcam/register';
import { registerInspectHandlers } from './inspect/register';
import { exitSidecar, watchParent } from './lifecycle';
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
  type BackendReport,
  type ConfigError as ConfigErrorData,
} from './protocol';
import { ActiveRuns } from './runner/activeRuns';
import { describeRuns } from './runs/listRuns';
import { runHistory, runStages } from './runs/runFolderInfo';
import { answering } from './inspect/errors';
import { SIDECAR_VERSION } from './version';

if (!process.send) {
  process.stderr.write(
    'The ScaleNet sidecar must be started with an IPC channel (child_process.fork).\n',
  );
  process.exit(2);
}

const connection = createMessageConnection(
  new IPCMessageReader(process),
  new IPCMessageWriter(process),
);
let backend: BackendReport | undefined;

const runs = new ActiveRuns({
  backendLabel: () => backend?.label ?? 'not initialized',
  backendName: () => backend?.name ?? 'none',
  onProgress: (params) => void connection.sendNotification(RunProgressNotification.type, params),
  onFinished: (params) => void connection.sendNotification(RunFinishedNotification.type, params),
});

connection.onRequest(InitializeRequest.type, async (params) => {
  if (params.protocolVersion !== PROTOCOL_VERSION) {
    throw new ResponseError(
      1,
      `Protocol mismatch: the client speaks ${params.protocolVersion}, the sidecar ${PROTOCOL_VERSION}. Rebuild (npm run build) or reinstall the extension.`,
    );
  }
  if (!backend) {
    try {
      backend = await chooseBackend(params.backend ?? 'auto');
    } catch (error) {
      throw new ResponseError(2, (error as Error).message);
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

connection.onRequest(RunStartRequest.type, (params) => {
  if (!backend) throw new ResponseError(3, 'Send initialize before run/start.');
  try {
    return runs.start(params);
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new ResponseError<ConfigErrorData>(4, error.message, {
        file: error.file,
        field: error.field,
        problem: error.problem,
        fix: error.fix,
      });
    }
    throw new ResponseError(5, (error as Error).message);
  }
});

connection.onRequest(RunStopRequest.type, (params) => ({ stopping: runs.stop(params.runId) }));

connection.onRequest(RunsListRequest.type, (params) => describeRuns(params.runsDir));
connection.onRequest(RunsHistoryRequest.type, (params) =>
  answering(() => runHistory(params.runDir)),
);
connection.onRequest(RunsStagesRequest.type, (params) => {
  if (!backend) throw new ResponseError(3, 'Send initialize before runs/stages.');
  return answering(() => runStages(params.runDir));
});

// Seeing the data (harris/preview, data/inspect, data/preview): no backend needed.
registerInspectHandlers(connection);
registerGradcamHandlers(connection, () => backend !== undefined);
registerExportHandlers(connection, () => backend !== undefined);

connection.onRequest(ShutdownRequest.type, async () => {
  await runs.stopAll();
  // Answer first, then leave: the client is waiting for this response.
  setTimeout(() => exitSidecar(connection, 'shutdown requested', 0), 10);
  return null;
});

connection.onClose(() => exitSidecar(undefined, 'the IPC channel closed', 0));
process.on('disconnect', () => exitSidecar(undefined, 'the parent disconnected', 0));
watchParent((reason) => exitSidecar(undefined, reason, 0));
process.on('uncaughtException', (error) =>
  exitSidecar(connection, `uncaught exception: ${error.stack ?? error.message}`, 1),
);
process.on('unhandledRejection', (reason) =>
  exitSidecar(connection, `unhandled rejection: ${String(reason)}`, 1),
);

connection.listen();
