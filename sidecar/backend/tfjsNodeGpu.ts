/**
 * Loading the optional native backend `@tensorflow/tfjs-node-gpu`.
 *
 * It is external to the esbuild bundle (scripts/build.mjs) and may be absent: it cannot be
 * installed where its install script cannot download libtensorflow. It is looked for in
 * the normal module resolution first, then where the extension's "Install GPU Backend"
 * command puts it: `$SCALENET_TFJS_NODE_GPU_DIR/node_modules/@tensorflow/tfjs-node-gpu`.
 *
 * Why requiring it separately works with the bundle's own tfjs-core copy: tfjs-core keeps
 * its engine in `globalThis._tfengine` and its kernel registry in `globalThis._tfGlobals`
 * (tfjs-core/dist/global_util.js, engine.js `getOrMakeEngine`). Whichever copy loads first
 * creates them and every later copy reuses them, so the `tensorflow` backend and kernels
 * that tfjs-node-gpu registers land in the engine the bundle uses.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { env } from '@tensorflow/tfjs-core';

export const TFJS_NODE_GPU = '@tensorflow/tfjs-node-gpu';

export const NOT_INSTALLED =
  'not installed (npm i @tensorflow/tfjs-node-gpu, or ScaleNet: Install GPU Backend)';

const CUDA_HINT =
  'tfjs-node-gpu 4.22 needs the CUDA 11.2 and cuDNN 8.1 libraries (libcudart.so.11.0, ' +
  'libcudnn.so.8) on the library path; CUDA 12 alone does not work';

export type LoadResult = { ok: true; from: string } | { ok: false; reason: string };

interface NodeError {
  code?: unknown;
  message?: unknown;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}

/** True when the package itself is missing (not one of its files or dependencies). */
function isPackageMissing(error: unknown, request: string): boolean {
  const e = error as NodeError;
  if (e == null || e.code !== 'MODULE_NOT_FOUND' || typeof e.message !== 'string') {
    return false;
  }
  const firstLine = e.message.split('\n')[0];
  return firstLine.includes(`'${request}'`);
}

/** Turns a load error into words a user can act on. */
export function describeLoadError(error: unknown): string {
  const message = errorMessage(error).split('\n')[0];
  let hint = '';
  if (/libcudart|libcudnn|libcublas|so\.11/.test(message)) {
    hint = `. ${CUDA_HINT}`;
  } else if (message.includes('tfjs_binding.node')) {
    hint =
      '. Its native part is missing (its install could not download libtensorflow): reinstall it';
  }
  return `installed but failed to load: ${message}${hint}`;
}

/**
 * Installed into the extension's storage, tfjs-node-gpu brings its own copy of
 * @tensorflow/tfjs, whose cpu/webgl kernels re-register into the shared registry with one
 * "already registered" warning each (hundreds of log lines that mean nothing). tfjs's
 * `log.warn` is silent while the PROD flag is set; set it only around the require.
 */
function requireQuietly(requireFrom: (id: string) => unknown, id: string): void {
  const flags = env();
  const wasProd = flags.getBool('PROD');
  flags.set('PROD', true);
  try {
    requireFrom(id);
  } finally {
    flags.set('PROD', wasProd);
  }
}

/** The places to require it from, in order. */
export function tfjsNodeGpuCandidates(env: NodeJS.ProcessEnv): string[] {
  const candidates = [TFJS_NODE_GPU];
  const dir = env.SCALENET_TFJS_NODE_GPU_DIR;
  if (dir != null && dir !== '') {
    candidates.push(join(dir, 'node_modules', '@tensorflow', 'tfjs-node-gpu'));
  }
  return candidates;
}

/**
 * Requires tfjs-node-gpu (which registers the `tensorflow` backend as a side effect).
 * `requireFrom` is injectable for tests; by default it resolves from this file (the
 * bundle's dist/ folder, so the extension's own node_modules).
 */
export function loadTfjsNodeGpu(
  env: NodeJS.ProcessEnv = process.env,
  requireFrom: (id: string) => unknown = createRequire(__filename),
): LoadResult {
  for (const candidate of tfjsNodeGpuCandidates(env)) {
    try {
      requireQuietly(requireFrom, candidate);
      return { ok: true, from: candidate };
    } catch (error) {
      if (isPackageMissing(error, candidate)) {
        continue;
      }
      return { ok: false, reason: describeLoadError(error) };
    }
  }
  return { ok: false, reason: NOT_INSTALLED };
}
