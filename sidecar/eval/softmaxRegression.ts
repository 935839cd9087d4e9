/**
 * Multinomial logistic regression (a Dense softmax layer) trained with SGD momentum, a
 * step schedule and L2 weight decay on fixed feature vectors: the classifier of the
 * linear-probe protocol. It only ever sees feature arrays, so it cannot touch a trunk.
 */
import * as tf from '@tensorflow/tfjs';
import { learningRateAt } from '../util/schedule';
import { createRng, deriveSeed, shuffle } from '../util/random';
import { checkpointLoop } from './batches';
import { disposeOptimizer } from '../util/disposeOptimizer';
import { momentumOptimizer } from './optimizer';
import type { FeatureMatrix } from './features';
import type { EvalHooks, SgdSchedule } from './types';

export interface SoftmaxOptions extends EvalHooks {
  schedule: SgdSchedule;
  classes: number;
  seed: number;
  /**
   * Standardise every feature dimension with the training mean/std first (default on).
   * An affine reparametrisation of the same model class that keeps SGD well conditioned
   * across blocks whose activations differ by orders of magnitude.
   */
  standardizeFeatures?: boolean;
  /** Tags progress reports (the probed block). */
  block?: string;
}

export interface SoftmaxModel {
  /** Predicted class per row of `features`. */
  predict(features: FeatureMatrix): Int32Array;
  dispose(): void;
}

function columnStats(m: FeatureMatrix): { mean: Float32Array; invStd: Float32Array } {
  const mean = new Float32Array(m.dim);
  const sq = new Float64Array(m.dim);
  for (let r = 0; r < m.count; r++) {
    for (let d = 0; d < m.dim; d++) {
      const v = m.values[r * m.dim + d];
      mean[d] += v;
      sq[d] += v * v;
    }
  }
  const invStd = new Float32Array(m.dim);
  for (let d = 0; d < m.dim; d++) {
    mean[d] /= Math.max(1, m.count);
    const variance = sq[d] / Math.max(1, m.count) - mean[d] * mean[d];
    // A constant dimension (e.g. a dead channel) is left unscaled rather than blown up.
    invStd[d] = variance > 1e-12 ? 1 / Math.sqrt(variance) : 1;
  }
  return { mean, invStd };
}

export async function trainSoftmax(
  train: FeatureMatrix,
  labels: ArrayLike<number>,
  options: SoftmaxOptions,
): Promise<SoftmaxModel> {
  const { schedule, classes, signal } = options;
  const { dim, count } = train;
  const stats =
    options.standardizeFeatures === false
      ? { mean: new Float32Array(dim), invStd: new Float32Array(dim).fill(1) }
      : columnStats(train);
  const mean = tf.tensor1d(stats.mean);
  const invStd = tf.tensor1d(stats.invStd);
  const init = tf.initializers.glorotUniform({ seed: deriveSeed(options.seed, 0x11ea) });
  const initial = init.apply([dim, classes]);
  const kernel = tf.variable(initial, true);
  initial.dispose();
  const zeros = tf.zeros([classes]);
  const bias = tf.variable(zeros, true);
  zeros.dispose();
  const optimizer = momentumOptimizer(schedule);
  const features = tf.tensor2d(train.values, [count, dim]);
  const labelTensor = tf.tensor1d(Int32Array.from(labels), 'int32');
  const logitsOf = (x: tf.Tensor2D) =>
    tf.add<tf.Tensor2D>(tf.matMul(tf.mul(tf.sub(x, mean), invStd), kernel), bias);
  const owned: tf.Tensor[] = [mean, invStd, kernel, bias];
  try {
    const steps = Math.ceil(count / schedule.batchSize);
    for (let epoch = 0; epoch < schedule.epochs; epoch++) {
      optimizer.setLearningRate(
        learningRateAt(schedule.lr, epoch, schedule.milestones, schedule.gamma),
      );
      const order = shuffle(
        createRng(deriveSeed(options.seed, epoch)),
        Int32Array.from({ length: count }, (_, i) => i),
      );
      for (let step = 0; step < steps; step++) {
        if (step % 16 === 0) await checkpointLoop(signal);
        const rows = order.subarray(step * schedule.batchSize, (step + 1) * schedule.batchSize);
        tf.tidy(() => {
          const idx = tf.tensor1d(rows, 'int32');
          const x = tf.gather(features, idx);
          const y = tf.oneHot(tf.gather(labelTensor, idx), classes);
          optimizer.minimize(
            () => {
              const ce = tf.losses.softmaxCrossEntropy(y, logitsOf(x));
              return tf.add(ce, tf.mul(tf.sum(tf.square(kernel)), schedule.weightDecay / 2));
            },
            false,
            [kernel, bias],
          );
        });
      }
      options.onProgress?.({
        phase: 'train',
        block: options.block,
        epoch,
        done: epoch + 1,
        total: schedule.epochs,
      });
    }
  } catch (error) {
    tf.dispose(owned);
    throw error;
  } finally {
    tf.dispose([features, labelTensor]);
    disposeOptimizer(optimizer);
  }
  return {
    predict(m: FeatureMatrix): Int32Array {
      const predicted = tf.tidy(() =>
        tf.argMax(logitsOf(tf.tensor2d(m.values, [m.count, m.dim])), 1),
      );
      const out = Int32Array.from(predicted.dataSync());
      predicted.dispose();
      return out;
    },
    dispose: () => tf.dispose(owned),
  };
}
