/**
 * Registers `model/embed`, `model/export` and `model/predict`. Like Grad-CAM they run
 * networks, so they wait for the backend `initialize` chooses.
 */
import { Disposable, type MessageConnection } from 'vscode-jsonrpc/node';
import { answering } from '../inspect/errors';
import {
  ModelEmbedRequest,
  ModelExportRequest,
  ModelMapRequest,
  ModelPredictRequest,
} from '../protocol';
import { representationMap } from './representationMap';
import { embedImages } from './embed';
import { exportRun } from './exportModel';
import { predictImages } from './predict';

export function registerExportHandlers(
  connection: MessageConnection,
  requireBackend: (method: string) => void,
): Disposable {
  const guarded =
    <P, R>(method: string, handler: (params: P) => Promise<R>) =>
    (params: P) =>
      answering(() => {
        requireBackend(method);
        return handler(params);
      });
  const registrations = [
    connection.onRequest(ModelEmbedRequest.type, guarded(ModelEmbedRequest.method, embedImages)),
    connection.onRequest(ModelExportRequest.type, guarded(ModelExportRequest.method, exportRun)),
    connection.onRequest(
      ModelPredictRequest.type,
      guarded(ModelPredictRequest.method, predictImages),
    ),
    connection.onRequest(ModelMapRequest.type, guarded(ModelMapRequest.method, representationMap)),
  ];
  return Disposable.create(() => registrations.forEach((r) => r.dispose()));
}
