/**
 * The paper's "limited information" inputs, per image: original, Harris image (corners
 * set to 255), pseudo-gray, gray-Harris, and hybrid (a Harris image with probability p,
 * else the original; the choice is seeded per image and epoch so a resumed run makes the
 * same choices). Harris masks are deterministic, so they are computed once per
 * (dataset, index, parameters) and cached.
 */
import type { HarrisParams, InputMode } from '../protocol/config';
import { createRng, deriveSeed } from '../util/random';
import { toGrayInto } from './gray';
import { HarrisDetector, paintCornersInto } from './harris';
import type { ImageSet } from './types';

/**
 * Corner masks keyed by dataset name, image size, image index and detector parameters
 * (the size is in the key so a set resized per scale can share one cache).
 */
export class HarrisCache {
  private readonly masks = new Map<string, Uint8Array>();
  private readonly detectors = new Map<string, HarrisDetector>();

  /** The cached or freshly computed corner mask (h*w, 1 = corner) of image `index`. */
  mask(set: ImageSet, index: number, params: HarrisParams): Uint8Array {
    const paramKey = `${params.blockSize},${params.ksize},${params.k},${params.threshold}`;
    const detKey = `${set.height}x${set.width}:${paramKey}`;
    const key = `${set.name}#${index}#${detKey}`;
    let mask = this.masks.get(key);
    if (!mask) {
      let det = this.detectors.get(detKey);
      if (!det)
        this.detectors.set(detKey, (det = new HarrisDetector(set.height, set.width, params)));
      mask = new Uint8Array(set.height * set.width);
      det.cornerMask(set.images, set.channels, mask, index * set.height * set.width * set.channels);
      this.masks.set(key, mask);
    }
    return mask;
  }

  get size(): number {
    return this.masks.size;
  }

  clear(): void {
    this.masks.clear();
  }
}

export interface InputModeContext {
  harris: HarrisParams;
  hybridProbability: number;
  seed: number;
  /** Hybrid choices change per epoch (0-based). */
  epoch: number;
  cache: HarrisCache;
}

/** Whether hybrid mode shows the Harris image of `index` in `epoch`. */
export function hybridPicksHarris(seed: number, epoch: number, index: number, p: number): boolean {
  return createRng(deriveSeed(seed, epoch, index, 0x4b1d)).next() < p;
}

/** Writes image `index` of `set`, as input mode `mode` shows it, into dst[dstOff…]. */
export function applyInputModeInto(
  set: ImageSet,
  index: number,
  mode: InputMode,
  ctx: InputModeContext,
  dst: ImageSet['images'],
  dstOff: number,
): void {
  const { height: h, width: w, channels: c } = set;
  const srcOff = index * h * w * c;
  const harris =
    mode === 'harris' ||
    mode === 'gray-harris' ||
    (mode === 'hybrid' && hybridPicksHarris(ctx.seed, ctx.epoch, index, ctx.hybridProbability));
  const gray = mode === 'gray' || mode === 'gray-harris';
  if (gray) toGrayInto(set.images, srcOff, h, w, c, dst, dstOff);
  else for (let i = 0, n = h * w * c; i < n; i++) dst[dstOff + i] = set.images[srcOff + i];
  // The mask comes from the gray of the original, which is the same image in both cases.
  if (harris) paintCornersInto(dst, dstOff, ctx.cache.mask(set, index, ctx.harris), c, dst, dstOff);
}

/**
 * The images at `indices` as `mode` shows them, packed in that order into a new set
 * (same pixel type), e.g. once per epoch for the training subset.
 */
export function applyInputMode(
  set: ImageSet,
  indices: ArrayLike<number>,
  mode: InputMode,
  ctx: InputModeContext,
): ImageSet {
  const size = set.height * set.width * set.channels;
  const n = indices.length * size;
  const images = set.images instanceof Float32Array ? new Float32Array(n) : new Uint8Array(n);
  for (let i = 0; i < indices.length; i++)
    applyInputModeInto(set, indices[i], mode, ctx, images, i * size);
  return { ...set, name: `${set.name}[${mode}]`, images, count: indices.length };
}

/** The paper's gray-Harris image of one HWC image. */
export function grayHarris(
  set: ImageSet,
  index: number,
  ctx: InputModeContext,
  dst: ImageSet['images'],
): void {
  applyInputModeInto(set, index, 'gray-harris', ctx, dst, 0);
}

/** The hybrid image of `index` in `ctx.epoch`. */
export function hybrid(
  set: ImageSet,
  index: number,
  ctx: InputModeContext,
  dst: ImageSet['images'],
): void {
  applyInputModeInto(set, index, 'hybrid', ctx, dst, 0);
}
