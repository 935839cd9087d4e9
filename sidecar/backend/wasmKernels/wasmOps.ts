/**
 * Thin calls into the wasm backend's own kernels, for use inside our kernel functions.
 *
 * Why not `tf.conv2d` etc.: inside a kernel function the engine is mid-kernel (no tape,
 * no tidy scope that we own), and going through the engine would allocate engine-tracked
 * tensors. Calling `getKernel(name, 'wasm').kernelFunc` directly works on `TensorInfo`s
 * that only the wasm backend knows about; we free each intermediate with
 * `backend.disposeData`, so nothing leaks and `tf.memory()` is unchanged.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  getKernel,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

/** Explicit padding in NHWC order, as `Conv2D` accepts it. */
export type ExplicitPad4 = [[0, 0], [number, number], [number, number], [0, 0]];

export function runWasmKernel(
  backend: BackendWasm,
  kernelName: string,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap,
): TensorInfo {
  const kernel = getKernel(kernelName, 'wasm');
  if (kernel == null) {
    throw new Error(`The wasm backend has no '${kernelName}' kernel`);
  }
  const out = kernel.kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(out)) {
    throw new Error(`wasm kernel '${kernelName}' returned several tensors; expected one`);
  }
  return out;
}

export function transpose(backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo {
  return runWasmKernel(backend, 'Transpose', { x }, { perm });
}

export function slice(
  backend: BackendWasm,
  x: TensorInfo,
  begin: number[],
  size: number[],
): TensorInfo {
  return runWasmKernel(backend, 'Slice', { x }, { begin, size });
}

/** XNNPACK convolution, NHWC, with explicit (never negative) padding. */
export function conv2d(
  backend: BackendWasm,
  x: TensorInfo,
  filter: TensorInfo,
  pad: ExplicitPad4,
  dilations: [number, number],
): TensorInfo {
  // The kernel reads these attrs through computeConv2DInfo; an explicit pad array is one of
  // the forms it accepts (`ExplicitPadding`), and tfjs only checks "strides or dilations
  // must be 1" in the op, not in the kernel.
  const attrs: NamedAttrMap = {
    strides: [1, 1],
    dilations,
    pad,
    dataFormat: 'NHWC',
  };
  return runWasmKernel(backend, 'Conv2D', { x, filter }, attrs);
}

/** A kernel input that tfjs guarantees by the kernel's signature; a clear error if not. */
export function input(inputs: NamedTensorInfoMap, name: string): TensorInfo {
  const info = inputs[name];
  if (info == null) {
    throw new Error(`kernel input '${name}' is missing`);
  }
  return info;
}

/** Frees intermediates made inside a kernel (they are not engine tensors). */
export function disposeAll(backend: BackendWasm, infos: TensorInfo[]): void {
  for (const info of infos) {
    backend.disposeData(info.dataId);
  }
}

/** XNNPACK average pooling over a [fh, fw] window, stride = window, no padding. */
export function avgPool(
  backend: BackendWasm,
  x: TensorInfo,
  filterSize: [number, number],
): TensorInfo {
  return runWasmKernel(
    backend,
    'AvgPool',
    { x },
    { filterSize, strides: filterSize, pad: 'valid' },
  );
}
