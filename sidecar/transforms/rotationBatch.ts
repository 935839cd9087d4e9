/**
 * Batches for the rotation pretext task: every image appears in all four rotations, next
 * to each other (image-major: [img0 0°, img0 90°, img0 180°, img0 270°, img1 0°, …], as
 * RotNet stacks them), resized to the stage's input size and standardised. Labels are the
 * rotation index 0..3. Output buffers can be passed back in to avoid reallocating.
 */
import { gray8 } from './gray';
import { resizeBilinear } from './resize';
import { rotateInto } from './rotate';
import { standardize, type ChannelStats } from './standardize';
import type { ImageSet } from './types';

export interface RotationBatch {
  /** [4B, size, size, channels] */
  x: Float32Array;
  /** [4B] rotation labels */
  labels: Int32Array;
  /** 4B */
  count: number;
}

/**
 * `images` are the input-mode images (any size; resized to size x size); `channels` may
 * differ from theirs: 1 → 3 repeats the plane, 3 → 1 takes the gray.
 */
export function buildRotationBatch(
  images: ImageSet,
  indices: ArrayLike<number>,
  size: number,
  channels: number,
  stats: ChannelStats,
  reuse?: RotationBatch,
): RotationBatch {
  const { height: h, width: w, channels: c } = images;
  const plane = size * size * channels;
  const count = 4 * indices.length;
  const x = reuse && reuse.x.length === count * plane ? reuse.x : new Float32Array(count * plane);
  const labels = reuse && reuse.labels.length === count ? reuse.labels : new Int32Array(count);
  const resized = new Float32Array(size * size * c);
  const converted = c === channels ? resized : new Float32Array(plane);
  for (let b = 0; b < indices.length; b++) {
    const srcOff = indices[b] * h * w * c;
    if (size === h && size === w) {
      for (let i = 0; i < resized.length; i++) resized[i] = images.images[srcOff + i];
    } else {
      resizeBilinear(images.images, h, w, c, size, size, resized, undefined, srcOff);
    }
    if (converted !== resized) convertChannels(resized, c, converted, channels);
    for (let k = 0; k < 4; k++) {
      rotateInto(converted, 0, size, size, channels, k, x, (4 * b + k) * plane);
      labels[4 * b + k] = k;
    }
  }
  standardize(x, channels, stats, x);
  return { x, labels, count };
}

function convertChannels(src: Float32Array, from: number, dst: Float32Array, to: number): void {
  const n = src.length / from;
  if (from === 1 && to === 3) {
    for (let p = 0; p < n; p++) dst[3 * p] = dst[3 * p + 1] = dst[3 * p + 2] = src[p];
  } else if (from === 3 && to === 1) {
    for (let p = 0; p < n; p++) dst[p] = gray8(src[3 * p], src[3 * p + 1], src[3 * p + 2]);
  } else {
    throw new RangeError(`buildRotationBatch: cannot convert ${from} channels to ${to}`);
  }
}
