/**
 * Bilinear resize with TensorFlow's legacy semantics (tf.image.resizeBilinear with
 * alignCorners = false, halfPixelCenters = false): output pixel y reads source
 * coordinate y * (inH / outH). With alpha 0.5 on 32x32 that is exactly 2y, so only the
 * even-coordinate pixels survive, as the paper says; other alphas mix neighbours.
 */

/** Pixel arrays the transforms accept: raw dataset bytes or float intermediates. */
export type Pixels = Uint8Array | Uint8ClampedArray | Float32Array;

/**
 * The side length alpha gives: round(alpha * size). tf.image.resizeBilinear takes the
 * size it is given, so this is our choice: rounding (not flooring) keeps 0.75*32 = 24
 * and makes float noise such as 0.7*10 = 7.000000000000001 harmless.
 */
export function scaledSize(size: number, alpha: number): number {
  if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`alpha must be in (0, 1], got ${alpha}`);
  return Math.max(1, Math.round(alpha * size));
}

/** Per-axis source indices and weights, computed once per size pair (not per pixel). */
interface AxisTable {
  lo: Int32Array;
  hi: Int32Array;
  frac: Float32Array;
}

function axisTable(inSize: number, outSize: number, offset = 0, span = inSize): AxisTable {
  const scale = span / outSize;
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const frac = new Float32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const src = offset + i * scale;
    const l = Math.min(Math.floor(src), inSize - 1);
    lo[i] = l;
    hi[i] = Math.min(l + 1, inSize - 1);
    frac[i] = src - l;
  }
  return { lo, hi, frac };
}

/**
 * Resizes one HWC image into `out` (allocated when omitted). The optional crop window
 * (top, left, cropH, cropW, in source pixels) lets random-resized-crop reuse this code.
 */
export function resizeBilinear(
  src: Pixels,
  inH: number,
  inW: number,
  c: number,
  outH: number,
  outW: number,
  out: Float32Array = new Float32Array(outH * outW * c),
  crop?: { top: number; left: number; height: number; width: number },
  srcOffset = 0,
  outOffset = 0,
): Float32Array {
  const ys = axisTable(inH, outH, crop?.top ?? 0, crop?.height ?? inH);
  const xs = axisTable(inW, outW, crop?.left ?? 0, crop?.width ?? inW);
  for (let y = 0; y < outH; y++) {
    const r0 = srcOffset + ys.lo[y] * inW * c;
    const r1 = srcOffset + ys.hi[y] * inW * c;
    const fy = ys.frac[y];
    let o = outOffset + y * outW * c;
    for (let x = 0; x < outW; x++) {
      const c0 = xs.lo[x] * c;
      const c1 = xs.hi[x] * c;
      const fx = xs.frac[x];
      for (let ch = 0; ch < c; ch++, o++) {
        // Same order of operations as TF's kernel: lerp along x on both rows, then along y.
        const top = src[r0 + c0 + ch] + (src[r0 + c1 + ch] - src[r0 + c0 + ch]) * fx;
        const bottom = src[r1 + c0 + ch] + (src[r1 + c1 + ch] - src[r1 + c0 + ch]) * fx;
        out[o] = top + (bottom - top) * fy;
      }
    }
  }
  return out;
}

/** Resize by alpha (ScaleNet's scale): an R x C image becomes round(alpha R) x round(alpha C). */
export function resizeByAlpha(
  img: Pixels,
  h: number,
  w: number,
  c: number,
  alpha: number,
): { data: Float32Array; height: number; width: number } {
  const height = scaledSize(h, alpha);
  const width = scaledSize(w, alpha);
  return { data: resizeBilinear(img, h, w, c, height, width), height, width };
}

/**
 * Resize to outH x outW and round back to bytes: what an image stored at that size would
 * be. Training, previews and Grad-CAM all prepare scaled images this way, so they agree
 * pixel for pixel. Writes into `out` at `outOffset` when given.
 */
export function resizeToBytes(
  src: Pixels,
  inH: number,
  inW: number,
  c: number,
  outH: number,
  outW: number,
  srcOffset = 0,
  out: Uint8Array = new Uint8Array(outH * outW * c),
  outOffset = 0,
): Uint8Array {
  const resized = resizeBilinear(src, inH, inW, c, outH, outW, undefined, undefined, srcOffset);
  for (let i = 0; i < resized.length; i++) out[outOffset + i] = Math.round(resized[i]);
  return out;
}
