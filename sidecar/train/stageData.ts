/**
 * The pretext task's inputs: the training subset and the held-out images, prepared once
 * per stage at that stage's scale and input mode (resize → Harris / gray → uint8), and
 * turned into batches that hold all four rotations of each image, standardised with
 * the stage's training mean and std.
 */
import { loadDataset, type ImageDataset } from '../data/dataset';
import { selectSubset } from '../data/subset';
import type { InputMode, ScaleNetConfig } from '../protocol';
import { toGray } from '../transforms/gray';
import { harrisImage } from '../transforms/harris';
import { resizeByAlpha, scaledSize } from '../transforms/resize';
import { rotateInto } from '../transforms/rotate';
import { createRng, deriveSeed } from '../util/random';
import type { RotationBatch } from './rotationStep';

export interface PreparedData {
  config: ScaleNetConfig;
  train: ImageDataset;
  test: ImageDataset;
  trainIndices: Int32Array;
  heldOutIndices: Int32Array;
  stepsPerEpoch: number;
  sizeAt(alpha: number): number;
  dispose?: () => void;
}

export interface StageImages {
  size: number;
  channels: number;
  trainCount: number;
  /** [trainCount, size, size, channels] after the input mode (hybrid: the original). */
  train: Uint8Array;
  /** Hybrid mode only: the Harris version of every training image. */
  trainHarris?: Uint8Array;
  hybridProbability: number;
  heldOut: Uint8Array;
  heldOutCount: number;
  mean: Float32Array;
  std: Float32Array;
}

export async function loadPreparedData(
  config: ScaleNetConfig,
  stored?: { train: number[]; heldOut: number[] },
): Promise<PreparedData> {
  const { data, pretext, seed } = config;
  const configDir = process.cwd();
  const [train, test] = await Promise.all([
    loadDataset(data, configDir, 'train'),
    loadDataset(data, configDir, 'test'),
  ]);
  const trainIndices = stored
    ? Int32Array.from(stored.train)
    : data.limit === undefined && data.perClass === undefined
      ? Int32Array.from({ length: train.count }, (_, i) => i)
      : selectSubset(train.labels, { limit: data.limit, perClass: data.perClass, seed });
  const heldOutIndices = stored
    ? Int32Array.from(stored.heldOut)
    : selectSubset(test.labels, {
        limit: Math.min(pretext.heldOut, test.count),
        seed: deriveSeed(seed, 1),
      });
  if (trainIndices.length < pretext.batchSize) {
    throw new Error(
      `Only ${trainIndices.length} training images for batch size ${pretext.batchSize}: lower pretext.batchSize or raise data.limit.`,
    );
  }
  return {
    config,
    train,
    test,
    trainIndices,
    heldOutIndices,
    // The last partial batch is dropped, so every step has the same shape.
    stepsPerEpoch: Math.floor(trainIndices.length / pretext.batchSize),
    sizeAt: (alpha) => scaledSize(train.height, alpha),
  };
}

function transformed(
  img: Uint8Array,
  size: number,
  channels: number,
  mode: InputMode,
  config: ScaleNetConfig,
): Uint8Array {
  switch (mode) {
    case 'original':
    case 'hybrid':
      return img;
    case 'harris':
      return harrisImage(img, size, size, channels, config.data.harris);
    case 'gray':
      return toGray(img, size, size, channels);
    case 'gray-harris':
      return harrisImage(
        toGray(img, size, size, channels),
        size,
        size,
        channels,
        config.data.harris,
      );
  }
}

/** Resizes the chosen images to the stage's size and applies the input mode. */
function prepareImages(
  ds: ImageDataset,
  indices: Int32Array,
  alpha: number,
  mode: InputMode,
  config: ScaleNetConfig,
) {
  const size = scaledSize(ds.height, alpha);
  const pixels = size * size * ds.channels;
  const plain = new Uint8Array(indices.length * pixels);
  const harris = mode === 'hybrid' ? new Uint8Array(indices.length * pixels) : undefined;
  const imageBytes = ds.height * ds.width * ds.channels;
  indices.forEach((index, i) => {
    const source = ds.images.subarray(index * imageBytes, (index + 1) * imageBytes);
    const resized = Uint8Array.from(
      resizeByAlpha(source, ds.height, ds.width, ds.channels, alpha).data,
      (v) => Math.round(v),
    );
    plain.set(transformed(resized, size, ds.channels, mode, config), i * pixels);
    harris?.set(harrisImage(resized, size, size, ds.channels, config.data.harris), i * pixels);
  });
  return { size, plain, harris };
}

function channelStats(
  images: Uint8Array,
  channels: number,
): { mean: Float32Array; std: Float32Array } {
  const sum = new Float64Array(channels);
  const squares = new Float64Array(channels);
  for (let i = 0; i < images.length; i++) {
    const v = images[i];
    sum[i % channels] += v;
    squares[i % channels] += v * v;
  }
  const n = images.length / channels;
  const mean = new Float32Array(channels);
  const std = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    mean[c] = sum[c] / n;
    std[c] = Math.sqrt(Math.max(squares[c] / n - mean[c] * mean[c], 1e-6));
  }
  return { mean, std };
}

export function prepareStage(data: PreparedData, alpha: number): StageImages {
  const { config, train, test } = data;
  const mode = config.data.inputMode;
  const trainImages = prepareImages(train, data.trainIndices, alpha, mode, config);
  const heldOutImages = prepareImages(
    test,
    data.heldOutIndices,
    alpha,
    mode === 'hybrid' ? 'original' : mode,
    config,
  );
  return {
    size: trainImages.size,
    channels: train.channels,
    trainCount: data.trainIndices.length,
    train: trainImages.plain,
    trainHarris: trainImages.harris,
    hybridProbability: config.data.hybridProbability,
    heldOut: heldOutImages.plain,
    heldOutCount: data.heldOutIndices.length,
    ...channelStats(trainImages.plain, train.channels),
  };
}

function fillRotations(
  source: Uint8Array,
  sourceOffset: number,
  images: StageImages,
  out: Float32Array,
  labels: Int32Array,
  slot: number,
): void {
  const { size, channels, mean, std } = images;
  const pixels = size * size * channels;
  for (let k = 0; k < 4; k++) {
    const at = (slot * 4 + k) * pixels;
    rotateInto(source, sourceOffset, size, size, channels, k, out, at);
    for (let i = 0; i < pixels; i++)
      out[at + i] = (out[at + i] - mean[i % channels]) / std[i % channels];
    labels[slot * 4 + k] = k;
  }
}

/** All four rotations of each chosen training image; hybrid picks Harris per image by seed. */
export function rotationBatch(
  images: StageImages,
  positions: ArrayLike<number>,
  seed: number,
): RotationBatch {
  const pixels = images.size * images.size * images.channels;
  const x = new Float32Array(positions.length * 4 * pixels);
  const labels = new Int32Array(positions.length * 4);
  const rng = createRng(seed);
  for (let i = 0; i < positions.length; i++) {
    const useHarris = images.trainHarris !== undefined && rng.next() < images.hybridProbability;
    fillRotations(
      useHarris ? images.trainHarris! : images.train,
      positions[i] * pixels,
      images,
      x,
      labels,
      i,
    );
  }
  return { x, labels, count: positions.length * 4, size: images.size, channels: images.channels };
}

/** The held-out images in batches of `batchImages`, each with its four rotations. */
export function* heldOutBatches(images: StageImages, batchImages = 64): Generator<RotationBatch> {
  const pixels = images.size * images.size * images.channels;
  for (let start = 0; start < images.heldOutCount; start += batchImages) {
    const n = Math.min(batchImages, images.heldOutCount - start);
    const x = new Float32Array(n * 4 * pixels);
    const labels = new Int32Array(n * 4);
    for (let i = 0; i < n; i++)
      fillRotations(images.heldOut, (start + i) * pixels, images, x, labels, i);
    yield { x, labels, count: n * 4, size: images.size, channels: images.channels };
  }
}
