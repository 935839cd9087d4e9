/**
 * The main thread's side of the inspect worker: one long-lived worker thread, started on
 * the first inspect request and restarted after a crash. Its answers cost the main
 * thread two messages, so they get through between two training steps. Where the worker
 * bundle is missing (a sidecar run from sources), requests run on the main thread.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ResponseError, type CancellationToken } from 'vscode-jsonrpc/node';
import { INSPECT_HANDLERS, type InspectMethod } from './handlers';
import type { WorkerCancel, WorkerReply, WorkerRequest } from './workerMessages';

export const INSPECT_WORKER_FILE = 'sidecar-inspect-worker.js';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class InspectWorker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly script = join(__dirname, INSPECT_WORKER_FILE)) {}

  call(method: InspectMethod, params: unknown, token?: CancellationToken): Promise<unknown> {
    const worker = this.ensureWorker();
    if (!worker) return INSPECT_HANDLERS[method](params, token);
    const request: WorkerRequest = { id: this.nextId++, method, params };
    return new Promise((resolve, reject) => {
      const cancelled = token?.onCancellationRequested(() => {
        const cancel: WorkerCancel = { cancel: request.id };
        worker.postMessage(cancel);
      });
      const settle =
        <T>(done: (value: T) => void) =>
        (value: T) => {
          cancelled?.dispose();
          done(value);
        };
      this.pending.set(request.id, { resolve: settle(resolve), reject: settle(reject) });
      worker.postMessage(request);
      // Only a request in flight keeps the worker (and so the process) busy.
      worker.ref();
    });
  }

  async dispose(): Promise<void> {
    await this.worker?.terminate();
    this.worker = undefined;
  }

  private ensureWorker(): Worker | undefined {
    if (this.worker) return this.worker;
    if (!existsSync(this.script)) return undefined;
    // None of the sidecar's own Node flags (an --inspect port would clash).
    const worker = new Worker(this.script, { execArgv: [] });
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.settle(reply));
    const fail = (why: string) => {
      if (this.worker === worker) this.worker = undefined;
      for (const [id, p] of this.pending) {
        p.reject(new ResponseError(-32603, `The inspect worker ${why}; ask again.`));
        this.pending.delete(id);
      }
    };
    worker.on('error', (error) => fail(`failed (${error.message})`));
    worker.on('exit', (code) => fail(`exited (${code})`));
    this.worker = worker;
    return worker;
  }

  private settle(reply: WorkerReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (reply.error) {
      pending.reject(new ResponseError(reply.error.code, reply.error.message, reply.error.data));
    } else {
      pending.resolve(reply.result);
    }
  }
}
