/**
 * The inspect worker (bundled as dist/sidecar-inspect-worker.js): Harris previews and
 * dataset views computed on a thread of their own. On the main thread each of a
 * preview's many file-read and gunzip round trips waited behind one synchronous training
 * step, so a preview that takes 0.3 s idle took a minute during a run.
 */
import { parentPort } from 'node:worker_threads';
import { ResponseError } from 'vscode-jsonrpc/node';
import { INSPECT_HANDLERS, type InspectMethod } from './handlers';
import type { WorkerCancel, WorkerReply, WorkerRequest } from './workerMessages';

if (!parentPort) throw new Error('sidecar-inspect-worker.js runs only as a worker thread');
const port = parentPort;

/** The requests in flight, each with the flag its handler checks between images. */
const inFlight = new Map<number, { isCancellationRequested: boolean }>();

port.on('message', (message: WorkerRequest | WorkerCancel) => {
  if ('cancel' in message) {
    const token = inFlight.get(message.cancel);
    if (token) token.isCancellationRequested = true;
    return;
  }
  const request = message;
  const handler = INSPECT_HANDLERS[request.method as InspectMethod];
  const token = { isCancellationRequested: false };
  inFlight.set(request.id, token);
  void (async (): Promise<WorkerReply> => {
    try {
      return { id: request.id, result: await handler(request.params, token) };
    } catch (error) {
      const e =
        error instanceof ResponseError
          ? (error as ResponseError<unknown>)
          : new ResponseError(-32603, String(error));
      return { id: request.id, error: { code: e.code, message: e.message, data: e.data } };
    }
  })().then((reply) => {
    inFlight.delete(request.id);
    port.postMessage(reply);
  });
});
