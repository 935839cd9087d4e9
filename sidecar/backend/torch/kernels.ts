/**
 * Registers the `torch` backend's tfjs kernels: the generic ones (one native call, inputs
 * in the order of kernelTable.ts) and those that prepare attrs in JS (kernelsConv.ts,
 * kernelsJs.ts). A kernel tfjs asks for that is not here fails in tfjs with its name
 * ("Kernel 'X' not registered for backend 'torch'"): nothing falls back to a slow path.
 */
import { registerKernel } from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { TorchBackend } from './backend';
import { convKernels } from './kernelsConv';
import { jsKernels } from './kernelsJs';
import { INPUT_ORDER, LIST_INPUTS } from './kernelTable';
import { MOMENT_KERNELS, momentsStep } from './fusedMoments';

/** Native kernels used only from other kernels, never asked for by tfjs by this name. */
const INTERNAL = new Set([
  'StridedSliceDense',
  'TorchMoments',
  'TorchAlias',
  'TorchCentredSquareGrad',
]);

/** Kernels whose result is a list even when it has one element. */
const MULTI_OUTPUT = new Set(['Unpack', 'TopK']);

function nativeKernel(name: string, order: readonly string[]): KernelFunc {
  const moments = MOMENT_KERNELS.has(name);
  return ({ inputs, attrs, backend }) => {
    const torch = backend as TorchBackend;
    let ins: TensorInfo[];
    if (order[0] === LIST_INPUTS) {
      ins = inputs as unknown as TensorInfo[];
    } else {
      const named = inputs as Record<string, TensorInfo | undefined>;
      ins = [];
      for (const key of order) {
        const t = named[key];
        if (t != null) ins.push(t);
      }
    }
    const step = moments ? momentsStep(torch, name, ins, attrs ?? {}) : undefined;
    if (step != null) return step;
    const outs = torch.runNative(name, ins, attrs ?? {});
    return outs.length === 1 && !MULTI_OUTPUT.has(name) ? outs[0] : outs;
  };
}

/** Every kernel name the backend registers (native ones must exist in the addon). */
export function registerTorchKernels(
  backendName: string,
  nativeKernels: readonly string[],
): string[] {
  const native = new Set(nativeKernels);
  const js: Record<string, KernelFunc> = { ...convKernels, ...jsKernels };
  const names: string[] = [];
  for (const [name, kernelFunc] of Object.entries(js)) {
    registerKernel({ kernelName: name, backendName, kernelFunc });
    names.push(name);
  }
  for (const name of native) {
    if (js[name] != null || INTERNAL.has(name)) continue;
    const order = INPUT_ORDER[name];
    if (order == null) {
      throw new Error(`torch backend: native kernel ${name} has no input order in kernelTable.ts`);
    }
    registerKernel({ kernelName: name, backendName, kernelFunc: nativeKernel(name, order) });
    names.push(name);
  }
  const missing = Object.keys(INPUT_ORDER).filter((name) => !native.has(name));
  if (missing.length > 0) {
    throw new Error(`torch backend: the addon lacks kernels ${missing.join(', ')}: rebuild it`);
  }
  return names;
}
