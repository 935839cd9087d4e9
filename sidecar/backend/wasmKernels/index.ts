/**
 * The training kernels the wasm backend lacks or runs slowly, supplied by the project
 * (DESIGN.md: compute backends). Register them before `tf.setBackend('wasm')`.
 */
import '@tensorflow/tfjs-backend-wasm';
import {
  getKernel,
  registerKernel,
  unregisterKernel,
  type KernelConfig,
} from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterConfig } from './conv2dBackpropFilter';
import { makeConv2DBackpropInputConfig } from './conv2dBackpropInput';

/** Marks our configs so that a second call (or a second copy of this module) is a no-op. */
const PROJECT_KERNEL = Symbol.for('scalenet.wasmTrainingKernel');

type MarkedConfig = KernelConfig & { [PROJECT_KERNEL]?: true };

function isProjectKernel(config: KernelConfig | undefined): boolean {
  return config != null && (config as MarkedConfig)[PROJECT_KERNEL] === true;
}

function register(config: KernelConfig): void {
  const existing = getKernel(config.kernelName, config.backendName);
  if (isProjectKernel(existing)) {
    return;
  }
  if (existing != null) {
    // registerKernel would overwrite too, but logs a warning on every start.
    unregisterKernel(config.kernelName, config.backendName);
  }
  const marked: MarkedConfig = { ...config, [PROJECT_KERNEL]: true };
  registerKernel(marked);
}

/**
 * Registers `Conv2DBackpropFilter` (missing from tfjs-backend-wasm 4.22) and an XNNPACK
 * based `Conv2DBackpropInput` (replacing the slow built-in one, which stays as the
 * fallback for shapes the fast path does not cover). Idempotent. The kernel registry is
 * global (tfjs-core keeps it in `globalThis._tfGlobals`), so this affects every tfjs-core
 * copy in the process.
 */
export function registerWasmTrainingKernels(): void {
  register(conv2DBackpropFilterConfig);
  const builtinDx = getKernel('Conv2DBackpropInput', 'wasm');
  if (builtinDx != null && !isProjectKernel(builtinDx)) {
    register(makeConv2DBackpropInputConfig(builtinDx));
  }
}
