/**
 * SimCLR augmentations (Chen et al. 2020, CIFAR recipe), seeded: random resized crop
 * (area scale 0.08–1, aspect ratio 3/4–4/3, torchvision's sampling with 10 tries and a
 * centre-crop fallback) resized back bilinearly, horizontal flip (p 0.5), colour jitter
 * (brightness/contrast/saturation 0.8 s, hue 0.2 s, in random order) with p 0.8, random
 * gray with p 0.2. Pixels stay in 0..255 floats; standardise afterwards.
 */
import { randInt, uniform, type Rng } from '../util/random';
import { resizeBilinear, type Pixels } from './resize';

export interface SimclrOptions {
  /** Colour distortion strength s (SimCLR uses 0.5 for CIFAR-10, 1.0 for ImageNet). */
  strength: number;
  /** Output side; the source size when omitted. */
  outSize?: number;
  cropScale?: [number, number];
  cropRatio?: [number, number];
  jitterProbability?: number;
  grayProbability?: number;
}

export interface CropBox {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** torchvision RandomResizedCrop.get_params. */
export function sampleCrop(
  rng: Rng,
  h: number,
  w: number,
  scale = [0.08, 1],
  ratio = [3 / 4, 4 / 3],
): CropBox {
  const area = h * w;
  const logLo = Math.log(ratio[0]);
  const logHi = Math.log(ratio[1]);
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * uniform(rng, scale[0], scale[1]);
    const aspect = Math.exp(uniform(rng, logLo, logHi));
    const cw = Math.round(Math.sqrt(target * aspect));
    const ch = Math.round(Math.sqrt(target / aspect));
    if (cw > 0 && cw <= w && ch > 0 && ch <= h) {
      return {
        top: randInt(rng, h - ch + 1),
        left: randInt(rng, w - cw + 1),
        height: ch,
        width: cw,
      };
    }
  }
  const inRatio = w / h;
  let cw = w;
  let ch = h;
  if (inRatio < ratio[0]) ch = Math.round(w / ratio[0]);
  else if (inRatio > ratio[1]) cw = Math.round(h * ratio[1]);
  return { top: Math.floor((h - ch) / 2), left: Math.floor((w - cw) / 2), height: ch, width: cw };
}

/** One augmented view of an HWC image into `out` (size outSize² * c). */
export function simclrAugment(
  img: Pixels,
  h: number,
  w: number,
  c: number,
  rng: Rng,
  opts: SimclrOptions,
  out?: Float32Array,
  srcOffset = 0,
): Float32Array {
  const size = opts.outSize ?? h;
  const dst = out ?? new Float32Array(size * size * c);
  const crop = sampleCrop(rng, h, w, opts.cropScale, opts.cropRatio);
  resizeBilinear(img, h, w, c, size, size, dst, crop, srcOffset);
  if (rng.next() < 0.5) flipHorizontal(dst, size, size, c);
  const s = opts.strength;
  if (c === 3 && rng.next() < (opts.jitterProbability ?? 0.8)) {
    colorJitter(dst, c, rng, 0.8 * s, 0.8 * s, 0.8 * s, 0.2 * s);
  } else if (c === 1 && rng.next() < (opts.jitterProbability ?? 0.8)) {
    colorJitter(dst, c, rng, 0.8 * s, 0.8 * s, 0, 0);
  }
  if (c === 3 && rng.next() < (opts.grayProbability ?? 0.2)) grayInPlace(dst);
  return dst;
}

function flipHorizontal(x: Float32Array, h: number, w: number, c: number): void {
  for (let y = 0; y < h; y++) {
    for (let a = 0, b = w - 1; a < b; a++, b--) {
      for (let ch = 0; ch < c; ch++) {
        const i = (y * w + a) * c + ch;
        const j = (y * w + b) * c + ch;
        const t = x[i];
        x[i] = x[j];
        x[j] = t;
      }
    }
  }
}

const clamp255 = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : v);
const lumaOf = (x: Float32Array, i: number, c: number): number =>
  c === 1 ? x[i] : 0.299 * x[i] + 0.587 * x[i + 1] + 0.114 * x[i + 2];

/** torchvision ColorJitter: factors drawn uniformly, the four ops in a random order. */
function colorJitter(
  x: Float32Array,
  c: number,
  rng: Rng,
  b: number,
  co: number,
  sa: number,
  hue: number,
): void {
  const order = [0, 1, 2, 3];
  for (let i = 3; i > 0; i--) {
    const j = randInt(rng, i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  for (const op of order) {
    if (op === 0 && b > 0) {
      const f = uniform(rng, Math.max(0, 1 - b), 1 + b);
      for (let i = 0; i < x.length; i++) x[i] = clamp255(x[i] * f);
    } else if (op === 1 && co > 0) {
      const f = uniform(rng, Math.max(0, 1 - co), 1 + co);
      let mean = 0;
      for (let i = 0; i < x.length; i += c) mean += lumaOf(x, i, c);
      mean /= x.length / c;
      for (let i = 0; i < x.length; i++) x[i] = clamp255((x[i] - mean) * f + mean);
    } else if (op === 2 && sa > 0) {
      const f = uniform(rng, Math.max(0, 1 - sa), 1 + sa);
      for (let i = 0; i < x.length; i += 3) {
        const g = lumaOf(x, i, 3);
        for (let ch = 0; ch < 3; ch++) x[i + ch] = clamp255((x[i + ch] - g) * f + g);
      }
    } else if (op === 3 && hue > 0) {
      shiftHue(x, uniform(rng, -hue, hue));
    }
  }
}

/** Rotates hue by `shift` turns in HSV space, per pixel, without allocating. */
function shiftHue(x: Float32Array, shift: number): void {
  for (let i = 0; i < x.length; i += 3) {
    const r = x[i];
    const g = x[i + 1];
    const b = x[i + 2];
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    const d = max - min;
    if (d === 0) continue; // gray pixel: hue undefined, unchanged
    let hh = max === r ? (g - b) / d : max === g ? 2 + (b - r) / d : 4 + (r - g) / d;
    hh = (((hh / 6 + shift) % 1) + 1) % 1;
    const s6 = hh * 6;
    const sector = Math.floor(s6);
    const f = s6 - sector;
    const p = min;
    const q = max - d * f;
    const t = min + d * f;
    // HSV → RGB with value = max and chroma = d kept, so only the hue moves (sector 5 is the default).
    let nr = max;
    let ng = p;
    let nb = q;
    switch (sector % 6) {
      case 0:
        nr = max;
        ng = t;
        nb = p;
        break;
      case 1:
        nr = q;
        ng = max;
        nb = p;
        break;
      case 2:
        nr = p;
        ng = max;
        nb = t;
        break;
      case 3:
        nr = p;
        ng = q;
        nb = max;
        break;
      case 4:
        nr = t;
        ng = p;
        nb = max;
        break;
    }
    x[i] = nr;
    x[i + 1] = ng;
    x[i + 2] = nb;
  }
}

function grayInPlace(x: Float32Array): void {
  for (let i = 0; i < x.length; i += 3) {
    const g = lumaOf(x, i, 3);
    x[i] = x[i + 1] = x[i + 2] = g;
  }
}

/** The two views SimCLR compares, from one rng stream (seed it per image and epoch). */
export function simclrPair(
  img: Pixels,
  h: number,
  w: number,
  c: number,
  rng: Rng,
  opts: SimclrOptions,
): [Float32Array, Float32Array] {
  return [simclrAugment(img, h, w, c, rng, opts), simclrAugment(img, h, w, c, rng, opts)];
}
