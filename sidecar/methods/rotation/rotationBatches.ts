/**
 * The rotation task's batches: all four rotations of each image, standardised with the
 * stage's training mean and std (the stage's images come from train/stageData.ts).
 */
import type { StageImages } from '../../train/stageData';
import { hybridPicksHarris } from '../../transforms/inputMode';
import { buildRotationBatch } from '../../transforms/rotationBatch';
import type { RotationBatch } from './rotationStep';

function asStepBatch(
  batch: { x: Float32Array; labels: Int32Array; count: number },
  images: StageImages,
): RotationBatch {
  return { ...batch, size: images.size, channels: images.channels };
}

/**
 * All four rotations of each chosen training image (positions into the subset). In
 * hybrid mode each image is its Harris version with the configured probability, chosen
 * per (seed, epoch, image) so that a resumed run makes the same choices.
 */
export function rotationBatch(
  images: StageImages,
  positions: ArrayLike<number>,
  epoch: number,
): RotationBatch {
  const hybrid = images.train.count === 2 * images.trainCount;
  const chosen = Int32Array.from(positions, (p) =>
    hybrid && hybridPicksHarris(images.seed, epoch, p, images.hybridProbability)
      ? p + images.trainCount
      : p,
  );
  return asStepBatch(
    buildRotationBatch(images.train, chosen, images.size, images.channels, images.stats),
    images,
  );
}

/** The held-out images in batches of `batchImages`, each with its four rotations. */
export function* heldOutBatches(images: StageImages, batchImages = 64): Generator<RotationBatch> {
  for (let start = 0; start < images.heldOut.count; start += batchImages) {
    const n = Math.min(batchImages, images.heldOut.count - start);
    const positions = Int32Array.from({ length: n }, (_, i) => start + i);
    yield asStepBatch(
      buildRotationBatch(images.heldOut, positions, images.size, images.channels, images.stats),
      images,
    );
  }
}
