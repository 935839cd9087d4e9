/**
 * Registers the `torch` backend's tfjs kernels. Most are one call of the generic native
 * executor with the kernel's inputs in a fixed order; a few are metadata-only (Reshape,
 * Identity) or prepare attrs in JS first (see ./kernelsJs.ts).
 */
import { registerKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { TorchBackend } from './backend';
import { INPUT_ORDER, JS_KERNELS } from './kernelTable';

function nativeKernel(name: string, order: readonly string[]): KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const torch = backend as TorchBackend;
    const named = inputs as Record<string, TensorInfo | undefined>;
    const ins: TensorInfo[] = [];
    for (const key of order) {
      const t = named[key];
      if (t != null) ins.push(t);
    }
    const outs = torch.runNative(name, ins, (attrs ?? {}) as NamedAttrMap);
    return outs.length === 1 ? outs[0]! : outs;
  };
}

export function registerTorchKernels(backendName: string, nativeKernels: readonly string[]): void {
  const configs: KernelConfig[] = [];
  for (const name of nativeKernels) {
    if (JS_KERNELS[name] != null) continue;
    const order = INPUT_ORDER[name];
    if (order == null) {
      throw new Error(`torch backend: native kernel ${name} has no input order in kernelTable.ts`);
    }
    configs.push({ kernelName: name, backendName, kernelFunc: nativeKernel(name, order) });
  }
  for (const [name, kernelFunc] of Object.entries(JS_KERNELS)) {
    configs.push({ kernelName: name, backendName, kernelFunc });
  }
  for (const config of configs) registerKernel(config);
}
