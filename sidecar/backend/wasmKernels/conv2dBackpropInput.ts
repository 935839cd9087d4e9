/**
 * A faster `Conv2DBackpropInput` (dx) for the wasm backend.
 *
 * Why: wasm's built-in kernel is a plain C++ loop (MACHINE.md: 13-15 s per batch of 32 at
 * 32x32 for ResNet-18); the same maths as XNNPACK `Conv2D`s takes about a tenth.
 *
 * dx[h] = sum_i dy[(h + padTop - i) / s] * W[i]   over taps i where (h + padTop - i) % s == 0
 *
 * Per axis, the output rows split into s residue classes r = h mod s. For one class, the
 * taps that contribute are i = s*t + p with p = (r + padTop) mod s, and the dy row is
 * a + q - t with q = floor((r + padTop) / s), a = (h - r) / s. That is a stride-1
 * correlation of dy with the sub-filter W[p::s] reversed, padded by T-1-q before. So
 * stride s becomes s*s stride-1 convolutions whose outputs interleave into dx; stride 1 is
 * one convolution with the flipped filter. The flipped, [Cout, Cin]-transposed sub-filters
 * are built with a JS loop straight on the wasm heap (wasm's `Reverse` is slow).
 *
 * Anything outside that plan (NCHW, non-float32, a negative leading pad) runs the
 * built-in kernel, so correctness never depends on the fast path covering every case.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  backend_util,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { conv2d, disposeAll, input } from './wasmOps';

/** How one residue class of one axis is computed. */
interface AxisClass {
  /** Output positions r, r+s, ... : how many. */
  count: number;
  /** First tap index p, and how many taps (p, p+s, ...) contribute. */
  firstTap: number;
  taps: number;
  padBefore: number;
  padAfter: number;
}

function planAxis(
  inSize: number,
  outSize: number,
  kernel: number,
  stride: number,
  padTop: number,
): AxisClass[] | null {
  const classes: AxisClass[] = [];
  for (let r = 0; r < stride; r++) {
    const count = Math.max(0, Math.ceil((inSize - r) / stride));
    const firstTap = (r + padTop) % stride;
    const q = Math.floor((r + padTop) / stride);
    const taps = firstTap < kernel ? Math.ceil((kernel - firstTap) / stride) : 0;
    const padBefore = taps - 1 - q;
    if (count > 0 && taps > 0 && padBefore < 0) {
      return null; // dy would need cropping first: leave this shape to the built-in kernel
    }
    const padAfter = Math.max(0, count + q - outSize);
    classes.push({ count, firstTap, taps, padBefore, padAfter });
  }
  return classes;
}

/**
 * Sub-filter G[u, v, o, c] = W[firstTap_h + s*(Th-1-u), firstTap_w + t*(Tw-1-v), c, o]:
 * the taps of one residue class, flipped, with in/out channels swapped for the dx conv.
 */
function makeSubFilter(
  backend: BackendWasm,
  filter: TensorInfo,
  rows: AxisClass,
  cols: AxisClass,
  strideHeight: number,
  strideWidth: number,
): TensorInfo {
  const [, kw, cin, cout] = filter.shape;
  const out = backend.makeOutput([rows.taps, cols.taps, cout, cin], 'float32');
  // Views made after the allocation: a heap growth would detach earlier ones.
  const w = backend.typedArrayFromHeap(filter);
  const g = backend.typedArrayFromHeap(out);
  for (let u = 0; u < rows.taps; u++) {
    const i = rows.firstTap + strideHeight * (rows.taps - 1 - u);
    for (let v = 0; v < cols.taps; v++) {
      const j = cols.firstTap + strideWidth * (cols.taps - 1 - v);
      const wBase = (i * kw + j) * cin * cout;
      const gBase = (u * cols.taps + v) * cout * cin;
      for (let c = 0; c < cin; c++) {
        const wRow = wBase + c * cout;
        for (let o = 0; o < cout; o++) {
          g[gBase + o * cin + c] = w[wRow + o];
        }
      }
    }
  }
  return out;
}

function makeConv2DBackpropInputWasm(builtin: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const wasm = backend as BackendWasm;
    const dy = input(inputs, 'dy');
    const filter = input(inputs, 'filter');
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
      attrs as unknown as Conv2DBackpropInputAttrs;
    const info = backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      backend_util.convertConv2DDataFormat(dataFormat),
    );
    if (
      info.dataFormat !== 'channelsLast' ||
      dy.dtype !== 'float32' ||
      filter.dtype !== 'float32'
    ) {
      return builtin(args);
    }
    const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth } = info;
    const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
    const rowPlan = planAxis(inHeight, outHeight, filterHeight, strideHeight, info.padInfo.top);
    const colPlan = planAxis(inWidth, outWidth, filterWidth, strideWidth, info.padInfo.left);
    if (rowPlan == null || colPlan == null) {
      return builtin(args);
    }

    const dx = wasm.makeOutput([batchSize, inHeight, inWidth, inChannels], 'float32');
    const temps: TensorInfo[] = [];
    try {
      // Residue classes with no taps (kernel smaller than stride) get no conv: start at 0.
      wasm.typedArrayFromHeap(dx).fill(0);
      for (let rh = 0; rh < strideHeight; rh++) {
        const rows = rowPlan[rh];
        for (let rw = 0; rw < strideWidth; rw++) {
          const cols = colPlan[rw];
          if (rows.count === 0 || cols.count === 0 || rows.taps === 0 || cols.taps === 0) {
            continue;
          }
          const g = makeSubFilter(wasm, filter, rows, cols, strideHeight, strideWidth);
          temps.push(g);
          const sub = conv2d(
            wasm,
            dy,
            g,
            [
              [0, 0],
              [rows.padBefore, rows.padAfter],
              [cols.padBefore, cols.padAfter],
              [0, 0],
            ],
            [1, 1],
          );
          temps.push(sub);
          scatter(wasm, sub, dx, rh, rw, rows.count, cols.count, strideHeight, strideWidth);
          disposeAll(wasm, temps.splice(0));
        }
      }
    } catch (error) {
      wasm.disposeData(dx.dataId);
      throw error;
    } finally {
      disposeAll(wasm, temps);
    }
    return dx;
  };
}

/** dx[n, rh + s*a, rw + t*b, :] = sub[n, a, b, :] for a < rowCount, b < colCount. */
function scatter(
  backend: BackendWasm,
  sub: TensorInfo,
  dx: TensorInfo,
  rh: number,
  rw: number,
  rowCount: number,
  colCount: number,
  strideHeight: number,
  strideWidth: number,
): void {
  const [batch, height, width, channels] = dx.shape;
  const [, subHeight, subWidth] = sub.shape;
  const src = backend.typedArrayFromHeap(sub);
  const dst = backend.typedArrayFromHeap(dx);
  if (strideHeight === 1 && strideWidth === 1 && subHeight === height && subWidth === width) {
    dst.set(src);
    return;
  }
  for (let n = 0; n < batch; n++) {
    for (let a = 0; a < rowCount; a++) {
      const h = rh + strideHeight * a;
      const srcRow = (n * subHeight + a) * subWidth * channels;
      const dstRow = (n * height + h) * width * channels;
      for (let b = 0; b < colCount; b++) {
        const s = srcRow + b * channels;
        const d = dstRow + (rw + strideWidth * b) * channels;
        dst.set(src.subarray(s, s + channels), d);
      }
    }
  }
}

/** Wraps the built-in kernel's config so that unusual shapes still reach it. */
export function makeConv2DBackpropInputConfig(builtin: KernelConfig): KernelConfig {
  return {
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    kernelFunc: makeConv2DBackpropInputWasm(builtin.kernelFunc),
    // The built-in kernel binds its C++ function in setupFunc, which tfjs runs for the
    // kernels registered at `setBackend` time: keep it, or the fallback would be unbound.
    setupFunc: builtin.setupFunc,
    disposeFunc: builtin.disposeFunc,
  };
}
