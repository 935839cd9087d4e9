/**
 * SimCLR batches: two augmented views of each chosen image at the stage's size,
 * stacked as [first views; second views] (the layout ntXent.ts expects) and
 * standardised with the stage's training statistics. Each image's views come from an
 * rng seeded by (seed, stage, epoch, position), so a resumed run draws the same views.
 */
import type { ScaleNetConfig } from '../../protocol';
import type { StageImages } from '../../train/stageData';
import { hybridPicksHarris } from '../../transforms/inputMode';
import { simclrAugment, type SimclrOptions } from '../../transforms/simclr';
import { standardize } from '../../transforms/standardize';
import type { ImageSet } from '../../transforms/types';
import { createRng, deriveSeed } from '../../util/random';

export interface ViewBatch {
  /** [2N, size, size, channels], standardised. */
  x: Float32Array;
  /** Network inputs: 2N. */
  count: number;
  size: number;
  channels: number;
}

/** Salt that keeps held-out views apart from any training epoch's. */
const HELD_OUT_SALT = 0x5eed;

/** Augmentation settings with the output side fixed to the stage's input size. */
export type ViewOptions = SimclrOptions & { outSize: number };

export function augmentOptions(config: ScaleNetConfig, size: number): ViewOptions {
  const { colorStrength, cropScale } = config.simclr;
  return { strength: colorStrength, cropScale: [cropScale[0], cropScale[1]], outSize: size };
}

/** Two views of each of `indices` (image indices into `set`), seeded per image by `seedOf`. */
export function buildViewBatch(
  set: ImageSet,
  indices: ArrayLike<number>,
  options: ViewOptions,
  stats: StageImages['stats'],
  seedOf: (i: number) => number,
): ViewBatch {
  const { height: h, width: w, channels: c } = set;
  const size = options.outSize;
  const n = indices.length;
  const plane = size * size * c;
  const x = new Float32Array(2 * n * plane);
  for (let i = 0; i < n; i++) {
    const rng = createRng(seedOf(i));
    const offset = indices[i] * h * w * c;
    simclrAugment(
      set.images,
      h,
      w,
      c,
      rng,
      options,
      x.subarray(i * plane, (i + 1) * plane),
      offset,
    );
    simclrAugment(
      set.images,
      h,
      w,
      c,
      rng,
      options,
      x.subarray((n + i) * plane, (n + i + 1) * plane),
      offset,
    );
  }
  standardize(x, c, stats, x);
  return { x, count: 2 * n, size, channels: c };
}

/** The training batch of `positions` (into the stage's subset) for `epoch`. */
export function trainViewBatch(
  images: StageImages,
  options: ViewOptions,
  stage: number,
  positions: ArrayLike<number>,
  epoch: number,
): ViewBatch {
  // Hybrid mode stores originals then Harris versions; pick per (seed, epoch, image).
  const hybrid = images.train.count === 2 * images.trainCount;
  const chosen = Int32Array.from(positions, (p) =>
    hybrid && hybridPicksHarris(images.seed, epoch, p, images.hybridProbability)
      ? p + images.trainCount
      : p,
  );
  return buildViewBatch(images.train, chosen, options, images.stats, (i) =>
    deriveSeed(images.seed, stage, epoch, positions[i]),
  );
}

/** Held-out images in batches of `batchImages`, with views fixed per (seed, stage, image). */
export function* heldOutViewBatches(
  images: StageImages,
  options: ViewOptions,
  stage: number,
  batchImages: number,
): Generator<ViewBatch> {
  // Contrastive accuracy depends on the candidates: only full batches, like training.
  for (let start = 0; start + batchImages <= images.heldOut.count; start += batchImages) {
    const indices = Int32Array.from({ length: batchImages }, (_, i) => start + i);
    yield buildViewBatch(images.heldOut, indices, options, images.stats, (i) =>
      deriveSeed(images.seed, HELD_OUT_SALT, stage, start + i),
    );
  }
}
