/**
 * tfjs's moments (mean over every axis but the channels, x - mean, square, mean: what
 * tfjs-layers' training batch norm computes) in one native pass. The first mean computes
 * the variance too (TorchMoments) and keeps it for x; x - mean and its square become
 * deferred tensors (made only if something reads them); the second mean hands over the
 * kept variance. Four full passes and two full-size temporaries become two passes.
 *
 * The same facts let FusedBatchNorm's gradient tell that its mean and variance are the
 * batch statistics of its own x: then one ATen training batch-norm backward gives the
 * whole dx, and the moments' own backward chain only sees zeros. Keys are dataIds (a
 * reshape shares its dataId, so it keeps the facts).
 */
import { util } from '@tensorflow/tfjs-core';
import type { DataId, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { TorchBackend } from './backend';

const meanOf = new WeakMap<DataId, DataId>();
const varianceOf = new WeakMap<DataId, DataId>();
/** Deferred x - mean and (x - mean)^2: their x and mean. */
const centredOf = new WeakMap<DataId, { x: TensorInfo; mean: TensorInfo }>();
const squaredOf = new WeakMap<DataId, { x: TensorInfo; mean: TensorInfo }>();
/**
 * The variance TorchMoments computed beside x's mean, until the second mean takes it: a
 * bare native handle, so that no dataId exists that tfjs has not been given.
 */
const pendingVariance = new Map<DataId, { handle: number; shape: number[] }>();

/** Kernels this module may answer (kernels.ts asks it first). */
export const MOMENT_KERNELS = new Set(['Mean', 'Sub', 'Square']);

function isChannelMean(x: TensorInfo, attrs: NamedAttrMap): boolean {
  if (x.dtype !== 'float32' || attrs.keepDims === true || x.shape.length < 2) return false;
  const axes = util.parseAxisParam(attrs.axis as number | number[], x.shape);
  return axes.length === x.shape.length - 1 && axes.every((a, i) => a === i);
}

/**
 * The result of Mean, Sub or Square when it is a step of the moments, else undefined
 * (the generic native kernel runs).
 */
export function momentsStep(
  torch: TorchBackend,
  kernel: string,
  ins: TensorInfo[],
  attrs: NamedAttrMap,
): TensorInfo | undefined {
  switch (kernel) {
    case 'Mean': {
      const [x] = ins;
      if (!isChannelMean(x, attrs)) return undefined;
      const squared = squaredOf.get(x.dataId);
      const kept = squared && pendingVariance.get(squared.x.dataId);
      if (squared && kept) {
        pendingVariance.delete(squared.x.dataId);
        const variance = torch.adopt(kept.handle, kept.shape, 'float32');
        varianceOf.set(variance.dataId, squared.x.dataId);
        return variance;
      }
      const [[meanHandle, shape], [varianceHandle]] = torch.addon.run(
        'TorchMoments',
        [torch.handleOf(x.dataId)],
        [x.shape],
        {},
      );
      const mean = torch.adopt(meanHandle, shape, 'float32');
      dropPending(torch, x.dataId);
      pendingVariance.set(x.dataId, { handle: varianceHandle, shape });
      meanOf.set(mean.dataId, x.dataId);
      return mean;
    }
    case 'Sub': {
      const [x, mean] = ins;
      if (mean == null || meanOf.get(mean.dataId) !== x.dataId) return undefined;
      const out = torch.deferred(x.shape, 'float32', [x, mean], ([hx, hm]) =>
        torch.runNativeHandles('Sub', [hx, hm], [x.shape, mean.shape]),
      );
      centredOf.set(out.dataId, { x, mean });
      return out;
    }
    case 'Square': {
      const [c] = ins;
      const centred = centredOf.get(c.dataId);
      if (centred == null || !torch.isDeferred(c.dataId)) return undefined;
      const { x, mean } = centred;
      const out = torch.deferred(c.shape, 'float32', [x, mean], ([hx, hm]) => {
        const d = torch.runNativeHandles('Sub', [hx, hm], [x.shape, mean.shape]);
        try {
          return torch.runNativeHandles('Square', [d], [c.shape]);
        } finally {
          torch.addon.dispose(d);
        }
      });
      squaredOf.set(out.dataId, centred);
      return out;
    }
    default:
      return undefined;
  }
}

/** A kept variance nobody asked for is freed with its x (backend.disposeData calls this). */
export function dropPending(torch: TorchBackend, x: DataId): void {
  const kept = pendingVariance.get(x);
  if (kept == null) return;
  pendingVariance.delete(x);
  torch.addon.dispose(kept.handle);
}

/** Whether mean and variance are the batch moments of x (over all axes but the last). */
export function areBatchMoments(x: TensorInfo, mean: TensorInfo, variance: TensorInfo): boolean {
  return meanOf.get(mean.dataId) === x.dataId && varianceOf.get(variance.dataId) === x.dataId;
}

/** The x and mean of a deferred x - mean (its gradient needs them, not it). */
export function centredSource(c: TensorInfo): { x: TensorInfo; mean: TensorInfo } | undefined {
  return centredOf.get(c.dataId);
}
