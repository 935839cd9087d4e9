/**
 * `Sum` and `Mean` over leading axes (e.g. N, H, W of an NHWC tensor: batch-norm
 * statistics and the gradients of every per-channel broadcast) for the wasm backend.
 *
 * Why: wasm's kernels reduce innermost axes only, so for N, H, W they first transpose the
 * whole tensor to [C, N, H, W]. XNNPACK's average pooling reduces over height and width
 * with channels innermost, which is exactly this layout: view x as [P, Q, 1, K] (Q =
 * the trailing reduced dims, e.g. H*W; P = the rest, e.g. N; K = the kept dims), pool
 * Q -> 1, then view the result as [1, P, 1, K] and pool P -> 1. Two stages also sum in
 * shorter runs than one pass over N*H*W, so rounding error is smaller, not larger.
 *
 * Other reductions (innermost axes, all axes, non-float32) go to the built-in kernel.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  util,
  type KernelConfig,
  type KernelFunc,
  type SumAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { avgPool, input } from './wasmOps';

/** Longest first-stage run; beyond it the rest goes to the second stage. */
const MAX_RUN = 4096;

export interface LeadingSplit {
  /** Reduced size R = P * Q and kept size K. */
  reduced: number;
  kept: number;
  /** First-stage run (trailing reduced dims) and second-stage count. */
  q: number;
  p: number;
  /** How many leading axes are reduced. */
  axes: number;
}

/** The two-stage plan, or null when `axes` are not a proper leading prefix of `shape`. */
export function planLeadingReduction(shape: number[], axes: number[]): LeadingSplit | null {
  const sorted = [...axes].sort((a, b) => a - b);
  const k = sorted.length;
  if (k === 0 || k >= shape.length || sorted.some((a, i) => a !== i)) return null;
  const reduced = util.sizeFromShape(shape.slice(0, k));
  const kept = util.sizeFromShape(shape.slice(k));
  // XNNPACK rejects a 1x1 pooling window; nothing to gain for tiny reductions either.
  if (reduced < 2 || kept < 1) return null;
  let i = k - 1;
  let q = shape[i--];
  while (i >= 0 && (q < 2 || q * shape[i] <= MAX_RUN)) q *= shape[i--];
  return { reduced, kept, q, p: reduced / q, axes: k };
}

function view(x: TensorInfo, shape: number[]): TensorInfo {
  // Same buffer, another shape: only read by the next kernel, never registered or freed.
  return { dataId: x.dataId, shape, dtype: x.dtype };
}

function makeReduce(builtin: KernelFunc, sum: boolean): KernelFunc {
  return (args) => {
    const x = input(args.inputs, 'x');
    const { axis, keepDims } = args.attrs as unknown as SumAttrs;
    const plan =
      x.dtype === 'float32'
        ? planLeadingReduction(x.shape, util.parseAxisParam(axis, x.shape))
        : null;
    if (plan == null) return builtin(args);
    const wasm = args.backend as BackendWasm;
    const { p, q, kept } = plan;
    let pooled = avgPool(wasm, view(x, [p, q, 1, kept]), [q, 1]);
    if (p > 1) {
      const second = avgPool(wasm, view(pooled, [1, p, 1, kept]), [p, 1]);
      wasm.disposeData(pooled.dataId);
      pooled = second;
    }
    if (sum) {
      const values = wasm.typedArrayFromHeap(pooled);
      for (let i = 0; i < values.length; i++) values[i] *= plan.reduced;
    }
    const outShape = keepDims
      ? x.shape.map((d, i) => (i < plan.axes ? 1 : d))
      : x.shape.slice(plan.axes);
    return view(pooled, outShape);
  };
}

export function makeReduceConfig(builtin: KernelConfig): KernelConfig {
  return {
    ...builtin,
    kernelFunc: makeReduce(builtin.kernelFunc, builtin.kernelName === 'Sum'),
  };
}
