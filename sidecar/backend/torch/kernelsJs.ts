/**
 * Kernels that need no native call (Reshape, Identity, ExpandDims share the dataId: a
 * reshape is metadata only) or that normalise their attrs with tfjs's own helpers first.
 */
import { backend_util, slice_util, util } from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { TorchBackend } from './backend';

type Inputs = Record<string, TensorInfo | undefined>;

function alias(backend: TorchBackend, x: TensorInfo, shape: number[]): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape, dtype: x.dtype };
}

/** The same data seen with another shape, for one native call (no refcount change). */
function viewed(x: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: x.dataId, shape, dtype: x.dtype };
}

function input(inputs: unknown, name: string): TensorInfo {
  const t = (inputs as Inputs)[name];
  if (t == null) throw new Error(`torch backend: input ${name} is missing`);
  return t;
}

const reshape: KernelFunc = ({ inputs, attrs, backend }) => {
  const x = input(inputs, 'x');
  const size = util.sizeFromShape(x.shape);
  const shape = util.inferFromImplicitShape((attrs as { shape: number[] }).shape, size);
  util.assert(
    size === util.sizeFromShape(shape),
    () => `torch Reshape: new shape (${shape.join(',')}) does not have ${size} elements`,
  );
  return alias(backend as TorchBackend, x, shape);
};

const identity: KernelFunc = ({ inputs, backend }) => {
  const x = input(inputs, 'x');
  return alias(backend as TorchBackend, x, x.shape);
};

const expandDims: KernelFunc = ({ inputs, attrs, backend }) => {
  const x = input(inputs, 'input');
  const dim = (attrs as { dim: number }).dim;
  const at = dim < 0 ? x.shape.length + dim + 1 : dim;
  util.assert(
    at >= 0 && at <= x.shape.length,
    () => `torch ExpandDims: dim ${dim} is out of range`,
  );
  const shape = x.shape.slice();
  shape.splice(at, 0, 1);
  return alias(backend as TorchBackend, x, shape);
};

type StridedSliceAttrs = {
  begin: number[];
  end: number[];
  strides: number[];
  beginMask: number;
  endMask: number;
  ellipsisMask: number;
  newAxisMask: number;
  shrinkAxisMask: number;
};

// The masks are resolved by tfjs's slice_util, exactly as on the cpu backend.
const stridedSlice: KernelFunc = ({ inputs, attrs, backend }) => {
  const torch = backend as TorchBackend;
  const x = input(inputs, 'x');
  const a = attrs as unknown as StridedSliceAttrs;
  const info = slice_util.sliceInfo(
    x.shape,
    a.begin,
    a.end,
    a.strides,
    a.beginMask,
    a.endMask,
    a.ellipsisMask,
    a.newAxisMask,
    a.shrinkAxisMask,
  );
  if (info.isIdentity) return alias(torch, x, info.finalShape);
  if (info.finalShape.some((d) => d === 0) || info.finalShapeSparse.some((d) => d === 0)) {
    return torch.runNative1('Fill', [], { shape: info.finalShape, value: 0, dtype: x.dtype });
  }
  let sliced: TensorInfo;
  if (info.sliceDim0 || info.isSimpleSlice) {
    const size = slice_util.computeOutShape(info.begin, info.end, info.strides);
    sliced = torch.runNative1('Slice', [x], { begin: info.begin, size });
  } else {
    sliced = torch.runNative1('StridedSliceDense', [x], {
      begin: info.begin,
      strides: info.strides,
      sizes: info.finalShapeSparse,
    });
  }
  const out = alias(torch, sliced, info.finalShape);
  torch.disposeIntermediate(sliced);
  return out;
};

const gatherV2: KernelFunc = ({ inputs, attrs, backend }) => {
  const torch = backend as TorchBackend;
  const x = input(inputs, 'x');
  const indices = input(inputs, 'indices');
  const { axis, batchDims } = attrs as { axis: number; batchDims: number };
  const $axis = util.parseAxisParam(axis, x.shape)[0];
  const info = backend_util.segment_util.collectGatherOpShapeInfo(
    x,
    indices,
    $axis,
    batchDims ?? 0,
  );
  const indicesSize = util.sizeFromShape(indices.shape);
  const out = torch.runNative1(
    'GatherV2',
    [
      viewed(x, [info.batchSize, info.outerSize, info.dimSize, info.sliceSize]),
      viewed(indices, [info.batchSize, indicesSize / info.batchSize]),
    ],
    {},
  );
  const result = alias(torch, out, info.outputShape);
  torch.disposeIntermediate(out);
  return result;
};

const padV2: KernelFunc = ({ inputs, attrs, backend }) => {
  const x = input(inputs, 'x');
  const { paddings, constantValue } = attrs as {
    paddings: Array<[number, number]>;
    constantValue: number;
  };
  return (backend as TorchBackend).runNative1('PadV2', [x], {
    paddingsFlat: paddings.flat(),
    constantValue,
  });
};

const splitV: KernelFunc = ({ inputs, attrs, backend }) => {
  const x = input(inputs, 'x');
  const { numOrSizeSplits, axis } = attrs as { numOrSizeSplits: number | number[]; axis: number };
  const $axis = util.parseAxisParam(axis, x.shape)[0];
  const sizes = backend_util.prepareSplitSize(x, numOrSizeSplits, $axis);
  return (backend as TorchBackend).runNative('SplitV', [x], { sizes, axis: $axis });
};

// Empty inputs are left out (torch would insist on matching shapes for them too).
const concat: KernelFunc = ({ inputs, attrs, backend }) => {
  const torch = backend as TorchBackend;
  const list = inputs as unknown as TensorInfo[];
  const $axis = util.parseAxisParam((attrs as { axis: number }).axis, list[0].shape)[0];
  const shape = backend_util.computeOutShape(
    list.map((t) => t.shape),
    $axis,
  );
  backend_util.assertParamsConsistent(
    list.map((t) => t.shape),
    $axis,
  );
  const present = list.filter((t) => util.sizeFromShape(t.shape) > 0);
  if (present.length === 0) {
    return torch.runNative1('Fill', [], { shape, value: 0, dtype: list[0].dtype });
  }
  if (present.length === 1) return alias(torch, present[0], shape);
  return torch.runNative1('Concat', present, { axis: $axis });
};

// tfjs's axis checks (integers, in range) before the native flip.
const reverse: KernelFunc = ({ inputs, attrs, backend }) => {
  const x = input(inputs, 'x');
  const dims = util.parseAxisParam((attrs as { dims: number | number[] }).dims, x.shape);
  return (backend as TorchBackend).runNative1('Reverse', [x], { dims });
};

// A cast to the same dtype shares the data, as on the cpu backend (and keeps the dataId,
// which provenance.ts relies on for tfjs's moments).
const cast: KernelFunc = ({ inputs, attrs, backend }) => {
  const x = input(inputs, 'x');
  const { dtype } = attrs as { dtype: string };
  const torch = backend as TorchBackend;
  if (dtype === x.dtype) return alias(torch, x, x.shape);
  return torch.runNative1('Cast', [x], { dtype });
};

export const jsKernels: Record<string, KernelFunc> = {
  Reshape: reshape,
  Identity: identity,
  ExpandDims: expandDims,
  StridedSlice: stridedSlice,
  GatherV2: gatherV2,
  PadV2: padV2,
  SplitV: splitV,
  Concat: concat,
  Reverse: reverse,
  Cast: cast,
};
