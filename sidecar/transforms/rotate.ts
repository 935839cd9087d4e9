/**
 * Rotations for the RotNet pretext task, exactly as the paper (and RotNet's code) define
 * them, as index permutations: 90 = transpose then vertical flip (counter-clockwise),
 * 180 = vertical then horizontal flip, 270 = vertical flip then transpose. For an H x W
 * source A, the output B is:
 *   k=1: B[y][x] = A[x][W-1-y]       (W x H)
 *   k=2: B[y][x] = A[H-1-y][W-1-x]   (H x W)
 *   k=3: B[y][x] = A[H-1-x][y]       (W x H)
 */
import type { Pixels } from './resize';

/** Writes rotation k of the HWC image at src[srcOff…] into dst[dstOff…]. */
export function rotateInto(
  src: Pixels,
  srcOff: number,
  h: number,
  w: number,
  c: number,
  k: number,
  dst: Pixels,
  dstOff: number,
): void {
  const q = ((k % 4) + 4) % 4;
  if (q === 0) {
    for (let i = 0, n = h * w * c; i < n; i++) dst[dstOff + i] = src[srcOff + i];
    return;
  }
  const outW = q === 2 ? w : h;
  const outH = q === 2 ? h : w;
  let o = dstOff;
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      let sy: number;
      let sx: number;
      if (q === 1) {
        sy = x;
        sx = w - 1 - y;
      } else if (q === 2) {
        sy = h - 1 - y;
        sx = w - 1 - x;
      } else {
        sy = h - 1 - x;
        sx = y;
      }
      const s = srcOff + (sy * w + sx) * c;
      for (let ch = 0; ch < c; ch++) dst[o++] = src[s + ch];
    }
  }
}

/** Rotation by k * 90 degrees (k = 0..3) of one HWC image, into a new array of the same type. */
export function rotate<T extends Pixels>(
  img: T,
  h: number,
  w: number,
  c: number,
  k: number,
): { data: T; height: number; width: number } {
  const data = img.slice(0, h * w * c) as T;
  rotateInto(img, 0, h, w, c, k, data, 0);
  const odd = ((k % 4) + 4) % 2 === 1;
  return { data, height: odd ? w : h, width: odd ? h : w };
}
