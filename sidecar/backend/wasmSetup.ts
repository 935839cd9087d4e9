/**
 * Where the wasm backend finds its `.wasm` binaries, and how to describe it once running.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { env } from '@tensorflow/tfjs-core';

const PROBE = 'tfjs-backend-wasm.wasm';

/**
 * The folder holding `tfjs-backend-wasm*.wasm`: next to the running script first (dist/ in
 * the bundle, where scripts/build.mjs copies them; the packaged extension has no
 * node_modules), else the package's own dist/ (tests and tools run from sources).
 */
export function findWasmFolder(scriptDir: string = __dirname): string | null {
  if (existsSync(join(scriptDir, PROBE))) {
    return scriptDir;
  }
  try {
    const entry = createRequire(join(scriptDir, 'noop.js')).resolve(
      '@tensorflow/tfjs-backend-wasm',
    );
    const dist = dirname(entry);
    if (existsSync(join(dist, PROBE))) {
      return dist;
    }
  } catch {
    // not resolvable from here: fall through to the working directory
  }
  const fromCwd = join(process.cwd(), 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
  return existsSync(join(fromCwd, PROBE)) ? fromCwd : null;
}

/** Points the wasm backend at its binaries; returns a reason when they cannot be found. */
export function configureWasmPaths(scriptDir?: string): string | null {
  const folder = findWasmFolder(scriptDir);
  if (folder == null) {
    return `its binaries (${PROBE}) were found neither next to the sidecar nor in node_modules; rebuild (npm run build)`;
  }
  // A string prefix: the backend appends the file name, so the separator must be there.
  setWasmPaths(folder.endsWith(sep) ? folder : folder + sep);
  return null;
}

/** e.g. "WebAssembly (SIMD, 1 thread, project training kernels)". */
export async function describeWasm(): Promise<string> {
  const simd = (await env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  let threads = 1;
  try {
    threads = getThreadsCount();
  } catch {
    // only throws before initialisation, which the caller has finished
  }
  const threadWord = threads === 1 ? 'thread' : 'threads';
  return `WebAssembly (${simd ? 'SIMD' : 'no SIMD'}, ${threads} ${threadWord}, project training kernels)`;
}
