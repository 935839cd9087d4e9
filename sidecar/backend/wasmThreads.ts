/**
 * Multi-threaded XNNPACK for the wasm backend under Node, behind SCALENET_WASM_THREADS.
 *
 * tfjs-backend-wasm 4.22 runs single-threaded under Node for three reasons (MACHINE.md),
 * each worked around here, only inside the sidecar process and only when asked for:
 * 1. the WASM_HAS_MULTITHREAD_SUPPORT flag is false whenever IS_NODE: set it to true;
 * 2. Emscripten's pthread workers are loaded from Blob URLs, which Node's worker_threads
 *    cannot load: while the backend initialises, URL.createObjectURL hands out the path
 *    of a real file holding the same worker script, and that script maps the main-script
 *    Blob it receives to a file holding the same module factory;
 * 3. the C++ side sizes its pool at half of os.cpus().length (1 on a 2-core machine)
 *    unless given a count: setThreadsCount(n), and os.cpus reports 2n while it starts.
 * This patches internals of 4.22.0: the chooser times the start and falls back to one
 * thread when anything fails, and it is off unless SCALENET_WASM_THREADS asks for it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setThreadsCount, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import * as threadedFactory from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';
import { wasmWorkerContents } from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js';
import { env } from '@tensorflow/tfjs-core';

/**
 * Threads asked for: SCALENET_WASM_THREADS = off | 0 | 1 (one thread, the default),
 * on (one per core, at least 2) or a count. Throws on anything else.
 */
export function requestedWasmThreads(environment: NodeJS.ProcessEnv = process.env): number {
  const raw = environment.SCALENET_WASM_THREADS?.trim().toLowerCase() ?? '';
  if (raw === '' || raw === 'off') return 1;
  if (raw === 'on') return Math.max(2, os.cpus().length);
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 0 || count > 64) {
    throw new Error(`SCALENET_WASM_THREADS=${raw} is not off, on or a thread count (0-64)`);
  }
  return Math.max(1, count);
}

/** The worker script and module factory as files, since Node cannot load Blob URLs. */
function writeThreadFiles(): { worker: string; main: string } {
  const dir = join(tmpdir(), `scalenet-wasm-threads-${version_wasm}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const main = join(dir, 'backend-wasm-threaded-simd.js');
  const worker = join(dir, 'backend-wasm-threaded-simd.worker.js');
  const factory: unknown = (threadedFactory as { default?: unknown }).default ?? threadedFactory;
  if (typeof factory !== 'function') {
    throw new Error('the threaded wasm module factory was not found in tfjs-backend-wasm');
  }
  writeFileSync(main, `var WasmBackendModuleThreadedSimd = ${factory.toString()};\n`);
  // tfjs escapes newlines the same way before it makes its Blob of this script.
  const shim =
    `URL.createObjectURL = () => ${JSON.stringify(main)};\n` +
    'URL.revokeObjectURL = () => undefined;\n';
  writeFileSync(worker, shim + wasmWorkerContents.replace(/\n/g, '\\n'));
  return { worker, main };
}

/**
 * Prepares a threaded start of the wasm backend; call right before `setBackend('wasm')`
 * and the returned function right after it (it undoes the process-wide patches).
 */
export function prepareWasmThreads(threads: number): () => void {
  const files = writeThreadFiles();
  const createObjectURL = URL.createObjectURL.bind(URL);
  const cpus = os.cpus.bind(os);
  URL.createObjectURL = (blob: Blob) =>
    blob.type === 'application/javascript' ? files.worker : createObjectURL(blob);
  const reported = Array.from({ length: 2 * threads }, () => cpus()[0]);
  os.cpus = () => reported;
  env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(threads);
  return () => {
    URL.createObjectURL = createObjectURL;
    os.cpus = cpus;
  };
}

/** Back to tfjs's defaults, for a single-threaded start after a failed threaded one. */
export function resetWasmThreads(): void {
  env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setThreadsCount(-1);
}
