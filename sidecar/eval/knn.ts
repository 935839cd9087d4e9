/**
 * Weighted k-nearest-neighbour classification on frozen features (InstDisc, Wu et al.
 * 2018; the "kNN monitor" of MoCo-style training): features L2-normalised, similarity
 * = cosine, the k most similar training images vote for their class with weight
 * exp(similarity / T). Cheap enough to run during pretext training: one matMul of a
 * chunk of test features against all training features at a time.
 */
import * as tf from '@tensorflow/tfjs';
import { FEATURE_LAYER } from '../models/layers';
import { allIndices, checkpointLoop, classCount } from './batches';
import { extractFeatures, type FeatureMatrix } from './features';
import type { EvalHooks, InputPrep, LabelledImages } from './types';

export interface KnnOptions extends EvalHooks {
  /** Neighbours that vote; 200 as InstDisc (capped at the number of training images). */
  k?: number;
  /** Temperature of the vote weights exp(sim / T); 0.1 as the usual kNN monitor. */
  temperature?: number;
  /** Number of classes; max label + 1 when omitted. */
  classes?: number;
  /** Test rows per matMul: memory is chunk x training images floats. */
  chunkSize?: number;
}

function normalizedRows(values: Float32Array, count: number, dim: number): tf.Tensor2D {
  return tf.tidy(() => {
    const m = tf.tensor2d(values, [count, dim]);
    // The epsilon keeps an all-zero feature (a dead ReLU map) finite: it votes with sim 0.
    return tf.div<tf.Tensor2D>(m, tf.add(tf.norm(m, 'euclidean', 1, true), 1e-12));
  });
}

/** Predicted class per test row. */
export async function knnPredict(
  train: FeatureMatrix,
  trainLabels: ArrayLike<number>,
  test: FeatureMatrix,
  options: KnnOptions = {},
): Promise<Int32Array> {
  if (train.dim !== test.dim)
    throw new Error(`kNN: feature sizes differ (${train.dim} vs ${test.dim})`);
  if (train.count === 0) throw new Error('kNN: no training features');
  const k = Math.min(options.k ?? 200, train.count);
  const temperature = options.temperature ?? 0.1;
  const classes = options.classes ?? classCount(trainLabels);
  const chunkSize = options.chunkSize ?? 256;
  const bankT = tf.tidy(() => tf.transpose(normalizedRows(train.values, train.count, train.dim)));
  const bankLabels = tf.tensor1d(Int32Array.from(trainLabels), 'int32');
  const predictions = new Int32Array(test.count);
  try {
    for (let start = 0; start < test.count; start += chunkSize) {
      await checkpointLoop(options.signal);
      const rows = Math.min(chunkSize, test.count - start);
      const predicted = tf.tidy(() => {
        const slice = test.values.subarray(start * test.dim, (start + rows) * test.dim);
        const sim = tf.matMul(normalizedRows(slice, rows, test.dim), bankT);
        const top = tf.topk(sim, k, true);
        // Shifted by each row's best similarity: exp(1 / 0.01) overflows float32, and a
        // common factor per row leaves the vote unchanged.
        const best = tf.slice(top.values, [0, 0], [rows, 1]);
        const weights = tf.exp(tf.div(tf.sub(top.values, best), temperature));
        const votes = tf.sum(
          tf.mul(tf.oneHot(tf.gather(bankLabels, top.indices), classes), tf.expandDims(weights, 2)),
          1,
        );
        return tf.argMax(votes, 1);
      });
      predictions.set(predicted.dataSync(), start);
      predicted.dispose();
      options.onProgress?.({ phase: 'test', done: start + rows, total: test.count });
    }
  } finally {
    tf.dispose([bankT, bankLabels]);
  }
  return predictions;
}

export function accuracyOf(predictions: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (predictions.length === 0) return 0;
  let hits = 0;
  for (let i = 0; i < predictions.length; i++) if (predictions[i] === labels[i]) hits++;
  return hits / predictions.length;
}

export async function knnAccuracy(
  train: FeatureMatrix,
  trainLabels: ArrayLike<number>,
  test: FeatureMatrix,
  testLabels: ArrayLike<number>,
  options: KnnOptions = {},
): Promise<number> {
  const classes = options.classes ?? classCount(trainLabels, testLabels);
  return accuracyOf(
    await knnPredict(train, trainLabels, test, { ...options, classes }),
    testLabels,
  );
}

export interface KnnMonitorOptions extends KnnOptions {
  /** The layer whose (pooled) output is the feature; the trunk's `pool` by default. */
  layer?: string;
  batchSize?: number;
  /** Positions in `bank` / `test` to use; all images by default. */
  bankIndices?: ArrayLike<number>;
  testIndices?: ArrayLike<number>;
}

/**
 * kNN accuracy of a model's features: `bank` is the labelled memory (e.g. a labelled
 * held-out subset), `test` what is classified. For the online monitor during pretext.
 */
export async function knnMonitor(
  model: tf.LayersModel,
  bank: LabelledImages,
  test: LabelledImages,
  prep: InputPrep,
  options: KnnMonitorOptions = {},
): Promise<number> {
  const layer = options.layer ?? FEATURE_LAYER;
  const bankIndices = options.bankIndices ?? allIndices(bank.count);
  const testIndices = options.testIndices ?? allIndices(test.count);
  const features = async (set: LabelledImages, indices: ArrayLike<number>) =>
    (
      await extractFeatures(model, set, prep, {
        layers: [layer],
        indices,
        batchSize: options.batchSize,
        signal: options.signal,
      })
    ).get(layer);
  const bankFeatures = await features(bank, bankIndices);
  const testFeatures = await features(test, testIndices);
  if (!bankFeatures || !testFeatures) throw new Error('kNN monitor: empty bank or test set');
  const pick = (set: LabelledImages, indices: ArrayLike<number>) =>
    Int32Array.from(indices, (i) => set.labels[i]);
  return knnAccuracy(
    bankFeatures,
    pick(bank, bankIndices),
    testFeatures,
    pick(test, testIndices),
    options,
  );
}
