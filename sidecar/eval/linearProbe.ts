/**
 * The linear-evaluation protocol (the paper's ImageNet protocol, after RotNet): the
 * trunk is frozen — it only runs forward, in inference mode — and a logistic regression
 * is trained on the pooled features of each named block; the result is the test
 * accuracy per block. Features are extracted once (no augmentation), so every block's
 * classifier trains on cached vectors.
 */
import type * as tf from '@tensorflow/tfjs';
import { namedOutputs } from '../models/buildModel';
import { classCount } from './batches';
import { extractFeatures } from './features';
import { accuracyOf } from './knn';
import { trainSoftmax } from './softmaxRegression';
import type { EvalHooks, InputPrep, LabelledImages, SgdSchedule } from './types';

export interface LinearProbeOptions extends EvalHooks {
  /** Blocks to probe; every `stage*` / `block*` output of the model by default. */
  layers?: string[];
  /** Optimiser of each per-block classifier (the paper: lr 0.01, x0.2 at 5, 15, 25). */
  schedule: SgdSchedule;
  seed: number;
  /** Number of classes; max label + 1 when omitted. */
  classes?: number;
  /** Positions in `train` to learn from (a label budget); all by default. */
  trainIndices?: ArrayLike<number>;
  /** Standardise feature dimensions before regression (default on; see softmaxRegression). */
  standardizeFeatures?: boolean;
  /** Images per forward pass while extracting features. */
  featureBatchSize?: number;
}

export interface LinearProbeResult {
  /** Test accuracy per probed block. */
  accuracy: Record<string, number>;
  /** Accuracy on the training features, to tell under- from over-fitting. */
  trainAccuracy: Record<string, number>;
  /** Feature size per block (channels of its output). */
  dims: Record<string, number>;
}

export async function linearProbe(
  trunk: tf.LayersModel,
  train: LabelledImages,
  test: LabelledImages,
  prep: InputPrep,
  options: LinearProbeOptions,
): Promise<LinearProbeResult> {
  const layers = options.layers ?? namedOutputs(trunk);
  if (layers.length === 0)
    throw new Error('Linear probe: the model has no named stage/block outputs');
  const trainIndices =
    options.trainIndices ?? Int32Array.from({ length: train.count }, (_, i) => i);
  const trainLabels = Int32Array.from(trainIndices, (i) => train.labels[i]);
  const classes = options.classes ?? classCount(trainLabels, test.labels);
  const common = {
    layers,
    batchSize: options.featureBatchSize,
    signal: options.signal,
    onProgress: options.onProgress,
  };
  const trainFeatures = await extractFeatures(trunk, train, prep, {
    ...common,
    indices: trainIndices,
  });
  const testFeatures = await extractFeatures(trunk, test, prep, common);

  const result: LinearProbeResult = { accuracy: {}, trainAccuracy: {}, dims: {} };
  for (const layer of layers) {
    const trainMatrix = trainFeatures.get(layer);
    const testMatrix = testFeatures.get(layer);
    if (!trainMatrix || !testMatrix) throw new Error('Linear probe: empty train or test set');
    const classifier = await trainSoftmax(trainMatrix, trainLabels, {
      schedule: options.schedule,
      classes,
      seed: options.seed,
      standardizeFeatures: options.standardizeFeatures,
      block: layer,
      signal: options.signal,
      onProgress: options.onProgress,
    });
    try {
      result.accuracy[layer] = accuracyOf(classifier.predict(testMatrix), test.labels);
      result.trainAccuracy[layer] = accuracyOf(classifier.predict(trainMatrix), trainLabels);
      result.dims[layer] = trainMatrix.dim;
    } finally {
      classifier.dispose();
    }
  }
  return result;
}
