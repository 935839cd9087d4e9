/**
 * Every method's inputs: the training subset and the held-out images, prepared once
 * per stage at that stage's scale and input mode (resize → Harris / gray → uint8), with
 * the stage's training mean and std. Each method builds its own batches from them
 * (methods/rotation/rotationBatches.ts, methods/simclr/viewBatch.ts).
 */
import { loadDataset, type ImageDataset } from '../data/dataset';
import { loadOptionsFor } from '../data/loadOptions';
import { readFileSync } from 'node:fs';
import { budgetNotes, checkBatchSize, checkPerClass } from '../data/budgets';
import { DataError } from '../data/errors';
import { excludeIndices, selectSubset } from '../data/subset';
import { parseSubset, type SubsetRecord } from '../data/subsetFile';
import type { InputMode, ScaleNetConfig } from '../protocol';
import { applyInputMode, HarrisCache, hybridPicksHarris } from '../transforms/inputMode';
import { resizeToBytes, scaledSize } from '../transforms/resize';
import { computeChannelStats, type ChannelStats } from '../transforms/standardize';
import type { ImageSet } from '../transforms/types';
import { deriveSeed } from '../util/random';

export interface PreparedData {
  config: ScaleNetConfig;
  /** What goes into the run's subset.json. */
  subset: SubsetRecord;
  train: ImageDataset;
  test: ImageDataset;
  trainIndices: Int32Array;
  heldOutIndices: Int32Array;
  stepsPerEpoch: number;
  /** Budgets the data could not give in full, clamped: for the log and the run summary. */
  notes: string[];
  sizeAt(alpha: number): number;
  dispose?: () => void;
}

export interface StageImages {
  size: number;
  channels: number;
  trainCount: number;
  /**
   * The training images at this stage's size as the input mode shows them. In hybrid
   * mode it holds 2 x trainCount images: originals, then their Harris versions.
   */
  train: ImageSet;
  hybridProbability: number;
  heldOut: ImageSet;
  stats: ChannelStats;
  seed: number;
}

/** The training subset and held-out images: read from a subset file, or chosen by seed. */
function chooseSubset(
  config: ScaleNetConfig,
  train: ImageDataset,
  test: ImageDataset,
  reuse?: string,
): SubsetRecord {
  const { data, pretext, seed } = config;
  if (reuse) {
    let text: string;
    try {
      text = readFileSync(reuse, 'utf8');
    } catch (error) {
      throw new DataError(
        reuse,
        `cannot be read (${(error as Error).message})`,
        'Point data.subset at the subset.json of an existing run',
      );
    }
    return parseSubset(text, reuse, train, test);
  }
  const everything = data.limit === undefined && data.perClass === undefined;
  const chosen = everything
    ? Int32Array.from({ length: train.count }, (_, i) => i)
    : selectSubset(train.labels, { limit: data.limit, perClass: data.perClass, seed });
  const heldOut = selectSubset(test.labels, {
    limit: Math.min(pretext.heldOut, test.count),
    seed: deriveSeed(seed, 1),
  });
  // A pool has no test split: its held-out images come out of the pool, not the training set.
  const indices = train === test ? excludeIndices(chosen, heldOut) : chosen;
  return {
    version: 1,
    dataset: train.name,
    datasetCount: train.count,
    testCount: test.count,
    seed,
    limit: data.limit,
    perClass: data.perClass,
    indices: [...indices],
    heldOut: [...heldOut],
  };
}

/**
 * Loads both splits and fixes which images the run uses. `reuse` is a subset.json to
 * take them from: the run's own on resume, or another run's (`data.subset`). A relative
 * data.path resolves against `configDir`, the config file's folder (loadConfigFile has
 * made the paths of the configs it reads absolute already).
 */
export async function loadPreparedData(
  config: ScaleNetConfig,
  reuse: string | undefined,
  configDir: string,
  /** The config file its errors name. */
  configFile = '(config)',
): Promise<PreparedData> {
  const { data, pretext } = config;
  // An unlabelled pool is one set: loaded once, its held-out images taken from it.
  const [train, test] =
    data.dataset === 'pool'
      ? await loadDataset(data, configDir, 'train', loadOptionsFor(data)).then((p) => [p, p])
      : await Promise.all([
          loadDataset(data, configDir, 'train', loadOptionsFor(data)),
          loadDataset(data, configDir, 'test', loadOptionsFor(data)),
        ]);
  if (!reuse) checkPerClass(data.perClass, train, configFile);
  const subset = chooseSubset(config, train, test, reuse);
  const trainIndices = Int32Array.from(subset.indices);
  const heldOutIndices = Int32Array.from(subset.heldOut);
  checkBatchSize(pretext.batchSize, trainIndices.length, config, configFile);
  return {
    config,
    // A separate labelled set (evaluation.data) has its label budgets noted once loaded.
    notes: budgetNotes(config, train, test, config.evaluation.data ? null : train),
    subset,
    train,
    test,
    trainIndices,
    heldOutIndices,
    // The last partial batch is dropped, so every step has the same shape.
    stepsPerEpoch: Math.floor(trainIndices.length / pretext.batchSize),
    sizeAt: (alpha) => scaledSize(train.height, alpha),
  };
}

/** The chosen images resized to the stage's side length, rounded back to bytes. */
function resizedSubset(ds: ImageDataset, indices: Int32Array, alpha: number): ImageSet {
  const size = scaledSize(ds.height, alpha);
  const pixels = size * size * ds.channels;
  const sourceBytes = ds.height * ds.width * ds.channels;
  const images = new Uint8Array(indices.length * pixels);
  indices.forEach((index, i) =>
    resizeToBytes(
      ds.images,
      ds.height,
      ds.width,
      ds.channels,
      size,
      size,
      index * sourceBytes,
      images,
      i * pixels,
    ),
  );
  return {
    name: `${ds.name}@${size}`,
    images,
    count: indices.length,
    height: size,
    width: size,
    channels: ds.channels,
  };
}

function concatSets(a: ImageSet, b: ImageSet): ImageSet {
  const images = new Uint8Array(a.images.length + b.images.length);
  images.set(a.images);
  images.set(b.images, a.images.length);
  return { ...a, name: `${a.name}+${b.name}`, images, count: a.count + b.count };
}

/** Resize (the stage's alpha) → input mode, once per stage; hybrid keeps both versions. */
export function prepareStage(data: PreparedData, alpha: number): StageImages {
  const { config, train, test } = data;
  const { inputMode, harris, hybridProbability } = config.data;
  const context = {
    harris,
    hybridProbability,
    seed: config.seed,
    epoch: 0,
    cache: new HarrisCache(),
  };
  const all = (set: ImageSet) => Int32Array.from({ length: set.count }, (_, i) => i);
  const shown = (set: ImageSet, mode: InputMode) =>
    mode === 'original' ? set : applyInputMode(set, all(set), mode, context);

  const trainResized = resizedSubset(train, data.trainIndices, alpha);
  const trainSet =
    inputMode === 'hybrid'
      ? concatSets(trainResized, shown(trainResized, 'harris'))
      : shown(trainResized, inputMode);
  // Held-out accuracy is measured on what the mode shows, originals for hybrid.
  const heldOut = shown(
    resizedSubset(test, data.heldOutIndices, alpha),
    inputMode === 'hybrid' ? 'original' : inputMode,
  );
  return {
    size: trainResized.height,
    channels: train.channels,
    trainCount: data.trainIndices.length,
    train: trainSet,
    hybridProbability,
    heldOut,
    stats: computeChannelStats(trainResized),
    seed: config.seed,
  };
}

/**
 * Which stored training image each position shows in `epoch`: in hybrid mode the stage
 * holds originals, then their Harris versions, and each image is its Harris version with
 * the configured probability, chosen per (seed, epoch, image) so a resumed run agrees.
 */
export function shownPositions(
  images: StageImages,
  positions: ArrayLike<number>,
  epoch: number,
): Int32Array {
  const hybrid = images.train.count === 2 * images.trainCount;
  return Int32Array.from(positions, (p) =>
    hybrid && hybridPicksHarris(images.seed, epoch, p, images.hybridProbability)
      ? p + images.trainCount
      : p,
  );
}
