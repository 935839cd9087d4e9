/**
 * Recognises tfjs's moments (mean over every axis but the channels, x - mean, square, mean:
 * what tfjs-layers' training batch norm computes) from the kernels as they run, so that
 * FusedBatchNorm's gradient can tell that its mean and variance are the batch statistics
 * of its own x. Then one ATen training batch-norm backward gives the whole dx, and the
 * moments' own backward chain only sees zeros (broadcast views the kernels short-cut).
 * Keys are dataIds (a reshape shares its dataId, so it keeps the facts).
 */
import { util } from '@tensorflow/tfjs-core';
import type { DataId, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

const meanOf = new WeakMap<DataId, DataId>();
const centredOf = new WeakMap<DataId, DataId>();
const squaredOf = new WeakMap<DataId, DataId>();
const varianceOf = new WeakMap<DataId, DataId>();

function allButLast(axes: number[], rank: number): boolean {
  return axes.length === rank - 1 && axes.every((a, i) => a === i);
}

/** Called after each generic native kernel with its inputs and first output. */
export function noteProvenance(
  kernel: string,
  ins: TensorInfo[],
  attrs: NamedAttrMap,
  out: TensorInfo,
): void {
  switch (kernel) {
    case 'Mean': {
      const x = ins[0];
      if (x.dtype !== 'float32' || attrs.keepDims === true) return;
      const axes = util.parseAxisParam(attrs.axis as number | number[], x.shape);
      if (!allButLast(axes, x.shape.length)) return;
      const source = squaredOf.get(x.dataId);
      if (source != null) varianceOf.set(out.dataId, source);
      else meanOf.set(out.dataId, x.dataId);
      return;
    }
    case 'Sub': {
      const [a, b] = ins;
      if (b != null && a != null && meanOf.get(b.dataId) === a.dataId)
        centredOf.set(out.dataId, a.dataId);
      return;
    }
    case 'Square': {
      const source = centredOf.get(ins[0].dataId);
      if (source != null) squaredOf.set(out.dataId, source);
      return;
    }
    default:
  }
}

/** Whether mean and variance are the batch moments of x (over all axes but the last). */
export function areBatchMoments(x: TensorInfo, mean: TensorInfo, variance: TensorInfo): boolean {
  return meanOf.get(mean.dataId) === x.dataId && varianceOf.get(variance.dataId) === x.dataId;
}

/** Kernels whose outputs the provenance tracks. */
export const TRACKED_KERNELS = new Set(['Mean', 'Sub', 'Square']);
