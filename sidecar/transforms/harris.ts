/**
 * Harris corners as OpenCV's cornerHarris computes them (imgproc/src/corner.cpp,
 * cornerEigenValsVecs): Sobel derivatives Dx, Dy of the 8-bit gray image with aperture
 * `ksize` and scale 1 / (2^(ksize-1) * blockSize * 255), the structure tensor
 * (Dx², DxDy, Dy²) box-summed over blockSize x blockSize (not normalised, anchor at
 * blockSize/2), R = det - k * trace², BORDER_REFLECT_101 everywhere. A pixel is a corner
 * when R > threshold * max(R) (the usual `dst > 0.01 * dst.max()` recipe), so an image
 * with no positive response (e.g. constant) has no corners.
 */
import type { HarrisParams } from '../protocol/config';
import { luma } from './gray';
import type { Pixels } from './resize';

export const DEFAULT_HARRIS: HarrisParams = { blockSize: 2, ksize: 3, k: 0.04, threshold: 0.01 };

/** OpenCV getSobelKernels for first derivatives: [smoothing, derivative] per ksize. */
const SOBEL: Record<number, [number[], number[]]> = {
  1: [[1], [-1, 0, 1]],
  3: [
    [1, 2, 1],
    [-1, 0, 1],
  ],
  5: [
    [1, 4, 6, 4, 1],
    [-1, -2, 0, 2, 1],
  ],
  7: [
    [1, 6, 15, 20, 15, 6, 1],
    [-1, -4, -5, 0, 5, 4, 1],
  ],
};

export function validateHarris(p: HarrisParams): void {
  if (!SOBEL[p.ksize]) throw new RangeError(`harris.ksize must be 1, 3, 5 or 7, got ${p.ksize}`);
  if (!Number.isInteger(p.blockSize) || p.blockSize < 1) {
    throw new RangeError(`harris.blockSize must be a positive integer, got ${p.blockSize}`);
  }
}

/** OpenCV's borderInterpolate for BORDER_REFLECT_101 (…cb|abcd|cb…). */
function reflect101(p: number, n: number): number {
  if (n === 1) return 0;
  while (p < 0 || p >= n) p = p < 0 ? -p : 2 * n - 2 - p;
  return p;
}

/** For each output position, the source index of every kernel tap (borders resolved once). */
function tapTable(n: number, size: number, anchor: number): Int32Array {
  const t = new Int32Array(n * size);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < size; j++) t[i * size + j] = reflect101(i + j - anchor, n);
  return t;
}

/** Correlates each row (horizontal) or column (vertical) of a h x w plane with `kernel`. */
function correlate(
  src: Float32Array,
  dst: Float32Array,
  h: number,
  w: number,
  kernel: number[],
  taps: Int32Array,
  vertical: boolean,
): void {
  const size = kernel.length;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      if (vertical) {
        for (let j = 0; j < size; j++) s += kernel[j] * src[taps[y * size + j] * w + x];
      } else {
        const row = y * w;
        for (let j = 0; j < size; j++) s += kernel[j] * src[row + taps[x * size + j]];
      }
      dst[y * w + x] = s;
    }
  }
}

/**
 * Reusable scratch for one image size, so a pass over a dataset allocates nothing per
 * image. Not shared between concurrent callers.
 */
export class HarrisDetector {
  private readonly n: number;
  private readonly gray: Float32Array;
  private readonly t1: Float32Array;
  private readonly dx: Float32Array;
  private readonly dy: Float32Array;
  private readonly a: Float32Array;
  private readonly b: Float32Array;
  private readonly c: Float32Array;
  /** The response of the last image, R = det - k trace². */
  readonly response: Float32Array;
  /** Border-resolved tap indices per (axis length, kernel size, anchor), built once. */
  private readonly taps = new Map<string, Int32Array>();
  private readonly box: number[];

  constructor(
    readonly height: number,
    readonly width: number,
    readonly params: HarrisParams = DEFAULT_HARRIS,
  ) {
    validateHarris(params);
    this.n = height * width;
    [this.gray, this.t1, this.dx, this.dy, this.a, this.b, this.c, this.response] = Array.from(
      { length: 8 },
      () => new Float32Array(this.n),
    );
    this.box = new Array<number>(params.blockSize).fill(1);
  }

  private pass(
    src: Float32Array,
    dst: Float32Array,
    kernel: number[],
    anchor: number,
    vertical: boolean,
  ): void {
    const n = vertical ? this.height : this.width;
    const key = `${n},${kernel.length},${anchor}`;
    let taps = this.taps.get(key);
    if (!taps) this.taps.set(key, (taps = tapTable(n, kernel.length, anchor)));
    correlate(src, dst, this.height, this.width, kernel, taps, vertical);
  }

  /** Harris response of an HWC image (gray conversion first); returns `this.response`. */
  computeResponse(img: Pixels, channels: number, offset = 0): Float32Array {
    const { height: h, width: w, n } = this;
    const { blockSize, ksize, k } = this.params;
    luma(img, h, w, channels, this.gray, true, offset);
    const [smooth, deriv] = SOBEL[ksize];
    const half = (ksize === 1 ? 3 : ksize) >> 1;
    this.pass(this.gray, this.t1, deriv, half, false);
    this.pass(this.t1, this.dx, smooth, smooth.length >> 1, true);
    this.pass(this.gray, this.t1, smooth, smooth.length >> 1, false);
    this.pass(this.t1, this.dy, deriv, half, true);
    const scale = 1 / ((1 << (ksize - 1)) * blockSize * 255);
    for (let p = 0; p < n; p++) {
      const gx = this.dx[p] * scale;
      const gy = this.dy[p] * scale;
      this.a[p] = gx * gx;
      this.b[p] = gx * gy;
      this.c[p] = gy * gy;
    }
    const anchor = blockSize >> 1;
    for (const plane of [this.a, this.b, this.c]) {
      this.pass(plane, this.t1, this.box, anchor, false);
      this.pass(this.t1, plane, this.box, anchor, true);
    }
    const r = this.response;
    for (let p = 0; p < n; p++) {
      const a = this.a[p];
      const b = this.b[p];
      const c = this.c[p];
      r[p] = a * c - b * b - k * (a + c) * (a + c);
    }
    return r;
  }

  /** Corner mask (1 = corner) of an HWC image into `out`; returns the number of corners. */
  cornerMask(img: Pixels, channels: number, out: Uint8Array, offset = 0): number {
    const r = this.computeResponse(img, channels, offset);
    let max = -Infinity;
    for (let p = 0; p < this.n; p++) if (r[p] > max) max = r[p];
    const limit = this.params.threshold * max;
    let count = 0;
    for (let p = 0; p < this.n; p++) {
      const corner = max > 0 && r[p] > limit ? 1 : 0;
      out[p] = corner;
      count += corner;
    }
    return count;
  }
}

/** R for one image (allocates a detector; use HarrisDetector in loops). */
export function harrisResponse(
  img: Pixels,
  h: number,
  w: number,
  c: number,
  params = DEFAULT_HARRIS,
): Float32Array {
  return new HarrisDetector(h, w, params).computeResponse(img, c).slice();
}

/** Corner mask (h*w, 1 = corner) for one image. */
export function harrisCorners(
  img: Pixels,
  h: number,
  w: number,
  c: number,
  params = DEFAULT_HARRIS,
): Uint8Array {
  const mask = new Uint8Array(h * w);
  new HarrisDetector(h, w, params).cornerMask(img, c, mask);
  return mask;
}

/** Copies `img` with every corner pixel set to 255 in every channel (the paper's white dots). */
export function paintCornersInto(
  src: Pixels,
  srcOff: number,
  mask: Uint8Array,
  c: number,
  dst: Pixels,
  dstOff: number,
): void {
  for (let p = 0; p < mask.length; p++) {
    const corner = mask[p] === 1;
    for (let ch = 0; ch < c; ch++)
      dst[dstOff + p * c + ch] = corner ? 255 : src[srcOff + p * c + ch];
  }
}

/** The Harris image of one HWC image. */
export function harrisImage<T extends Pixels>(
  img: T,
  h: number,
  w: number,
  c: number,
  params = DEFAULT_HARRIS,
): T {
  const out = img.slice(0, h * w * c) as T;
  paintCornersInto(img, 0, harrisCorners(img, h, w, c, params), c, out, 0);
  return out;
}
