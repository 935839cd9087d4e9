/**
 * The inspect worker (bundled as dist/sidecar-inspect-worker.js): Harris previews and
 * dataset views computed on a thread of their own. On the main thread each of a
 * preview's many file-read and gunzip round trips waited behind one synchronous training
 * step, so a preview that takes 0.3 s idle took a minute during a run.
 */
import { parentPort } from 'node:worker_threads';
import { ResponseError } from 'vscode-jsonrpc/node';
import { INSPECT_HANDLERS, type InspectMethod } from './handlers';
import type { WorkerReply, WorkerRequest } from './workerMessages';

if (!parentPort) throw new Error('sidecar-inspect-worker.js runs only as a worker thread');
const port = parentPort;

port.on('message', (request: WorkerRequest) => {
  const handler = INSPECT_HANDLERS[request.method as InspectMethod];
  void (async (): Promise<WorkerReply> => {
    try {
      return { id: request.id, result: await handler(request.params) };
    } catch (error) {
      const e =
        error instanceof ResponseError
          ? (error as ResponseError<unknown>)
          : new ResponseError(-32603, String(error));
      return { id: request.id, error: { code: e.code, message: e.message, data: e.data } };
    }
  })().then((reply) => port.postMessage(reply));
});
