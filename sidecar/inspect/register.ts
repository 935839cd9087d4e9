/**
 * Registers the requests that let a user see the data before training (`harris/preview`,
 * `data/inspect`, `data/preview`). They need no compute backend: plain JS transforms.
 */
import { Disposable, type MessageConnection } from 'vscode-jsonrpc/node';
import { DataInspectRequest, DataPreviewRequest, HarrisPreviewRequest } from '../protocol';
import { dataInspect } from './dataInspect';
import { dataPreview } from './dataPreview';
import { answering } from './errors';
import { harrisPreview } from './harrisPreview';

export function registerInspectHandlers(connection: MessageConnection): Disposable {
  const registrations = [
    connection.onRequest(HarrisPreviewRequest.type, (params) =>
      answering(() => harrisPreview(params)),
    ),
    connection.onRequest(DataInspectRequest.type, (params) => answering(() => dataInspect(params))),
    connection.onRequest(DataPreviewRequest.type, (params) => answering(() => dataPreview(params))),
  ];
  return Disposable.create(() => registrations.forEach((r) => r.dispose()));
}
