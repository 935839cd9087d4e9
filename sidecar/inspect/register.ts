/**
 * Registers the requests that let a user see the data before training (`harris/preview`,
 * `data/inspect`, `data/preview`). They need no compute backend: plain JS transforms,
 * computed in the inspect worker so that they stay interactive while a run trains.
 */
import { Disposable, type MessageConnection } from 'vscode-jsonrpc/node';
import {
  DataInspectRequest,
  DataPreviewRequest,
  HarrisPreviewRequest,
  type DataInspectResult,
  type DataPreviewResult,
  type HarrisPreviewResult,
} from '../protocol';
import { InspectWorker } from './workerClient';

export function registerInspectHandlers(connection: MessageConnection): Disposable {
  const worker = new InspectWorker();
  const registrations = [
    // Cancels reach the worker, whose previews check between images and stop early.
    connection.onRequest(
      HarrisPreviewRequest.type,
      (params, token) =>
        worker.call(HarrisPreviewRequest.method, params, token) as Promise<HarrisPreviewResult>,
    ),
    connection.onRequest(
      DataInspectRequest.type,
      (params) => worker.call(DataInspectRequest.method, params) as Promise<DataInspectResult>,
    ),
    connection.onRequest(
      DataPreviewRequest.type,
      (params, token) =>
        worker.call(DataPreviewRequest.method, params, token) as Promise<DataPreviewResult>,
    ),
  ];
  return Disposable.create(() => {
    registrations.forEach((r) => r.dispose());
    void worker.dispose();
  });
}
