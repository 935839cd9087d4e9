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
    // The previews check the client's token between images: a cancel stops the work.
    connection.onRequest(HarrisPreviewRequest.type, (params, token) =>
      answering(() => harrisPreview(params, token)),
    ),
    connection.onRequest(DataInspectRequest.type, (params) => answering(() => dataInspect(params))),
    connection.onRequest(DataPreviewRequest.type, (params, token) =>
      answering(() => dataPreview(params, token)),
    ),
  ];
  return Disposable.create(() => registrations.forEach((r) => r.dispose()));
}
