/**
 * Network inputs from a labelled image set: chosen images resized by alpha (rounded back
 * to byte values, as the pretext stage prepares its images) and standardised, in
 * batches of fixed order. Also the small async helpers every evaluator loop uses.
 */
import { resizeBilinear, scaledSize } from '../transforms/resize';
import { standardize } from '../transforms/standardize';
import type { InputPrep, LabelledImages } from './types';

export interface InputBatch {
  /** [count, height, width, channels], standardised. */
  x: Float32Array;
  labels: Int32Array;
  count: number;
  height: number;
  width: number;
  channels: number;
}

/** Side lengths the set has at the prep's alpha. */
export function inputSize(set: LabelledImages, prep: InputPrep): { height: number; width: number } {
  const alpha = prep.alpha ?? 1;
  return alpha === 1
    ? { height: set.height, width: set.width }
    : { height: scaledSize(set.height, alpha), width: scaledSize(set.width, alpha) };
}

/** The images at `indices` (positions in `set`) as one standardised batch. */
export function inputBatch(
  set: LabelledImages,
  indices: ArrayLike<number>,
  prep: InputPrep,
): InputBatch {
  const { height, width } = inputSize(set, prep);
  const c = set.channels;
  const srcPixels = set.height * set.width * c;
  const pixels = height * width * c;
  const x = new Float32Array(indices.length * pixels);
  const labels = new Int32Array(indices.length);
  const resized = new Float32Array(pixels);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i];
    labels[i] = set.labels[index];
    const out = x.subarray(i * pixels, (i + 1) * pixels);
    if (height === set.height && width === set.width) {
      standardize(
        set.images.subarray(index * srcPixels, (index + 1) * srcPixels),
        c,
        prep.stats,
        out,
      );
      continue;
    }
    resizeBilinear(
      set.images,
      set.height,
      set.width,
      c,
      height,
      width,
      resized,
      undefined,
      index * srcPixels,
    );
    for (let p = 0; p < pixels; p++) resized[p] = Math.round(resized[p]);
    standardize(resized, c, prep.stats, out);
  }
  return { x, labels, count: indices.length, height, width, channels: c };
}

/** 0..n-1, or the given indices, in chunks of `size`. */
export function* chunks(all: ArrayLike<number>, size: number): Generator<Int32Array> {
  for (let start = 0; start < all.length; start += size) {
    const end = Math.min(all.length, start + size);
    yield Int32Array.from({ length: end - start }, (_, i) => all[start + i]);
  }
}

export function allIndices(count: number): Int32Array {
  return Int32Array.from({ length: count }, (_, i) => i);
}

/**
 * Lets the event loop run (a cancel request arriving over IPC, a progress message
 * going out) and stops with the signal's reason once it is aborted.
 */
export async function checkpointLoop(signal?: AbortSignal): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  signal?.throwIfAborted();
}

/** Classes implied by labels (max + 1) when the caller did not say. */
export function classCount(...labelSets: ArrayLike<number>[]): number {
  let max = -1;
  for (const labels of labelSets)
    for (let i = 0; i < labels.length; i++) max = Math.max(max, labels[i]);
  return max + 1;
}
