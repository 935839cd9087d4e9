/** Kernels that need no native call (metadata only) or prepare attrs in JS. */
import { util } from '@tensorflow/tfjs-core';
import type { KernelFunc, ReshapeAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import type { TorchBackend } from './backend';

function alias(backend: TorchBackend, x: TensorInfo, shape: number[]): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape, dtype: x.dtype };
}

const reshape: KernelFunc = ({ inputs, attrs, backend }) => {
  const x = inputs.x as TensorInfo;
  const { shape } = attrs as unknown as ReshapeAttrs;
  const size = util.sizeFromShape(x.shape);
  const $shape = util.inferFromImplicitShape(shape, size);
  util.assert(
    size === util.sizeFromShape($shape),
    () =>
      `torch Reshape: new shape (${$shape}) has ${util.sizeFromShape($shape)} elements, the tensor ${size}`,
  );
  return alias(backend as TorchBackend, x, $shape);
};

const identity: KernelFunc = ({ inputs, backend }) => {
  const x = inputs.x as TensorInfo;
  return alias(backend as TorchBackend, x, x.shape);
};

export const jsKernels: Record<string, KernelFunc> = {
  Reshape: reshape,
  Identity: identity,
};
