/**
 * One optimisation step and the held-out evaluation of the rotation task. Kept apart
 * from the loop so that tests and the benchmark time exactly what training runs.
 */
import * as tf from '@tensorflow/tfjs';
import { l2Penalty } from '../models/weightDecay';

export interface RotationBatch {
  /** [count, size, size, channels], standardised. */
  x: Float32Array;
  labels: Int32Array;
  /** Network inputs in the batch: 4 x images (all four rotations of each). */
  count: number;
  size: number;
  channels: number;
}

export interface StepResult {
  loss: number;
  correct: number;
}

export function trainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  batch: RotationBatch,
  weightDecay: number,
): StepResult {
  let correct: tf.Scalar | undefined;
  const loss = tf.tidy(() => {
    const x = tf.tensor4d(batch.x, [batch.count, batch.size, batch.size, batch.channels]);
    const labels = tf.tensor1d(batch.labels, 'int32');
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    return optimizer.minimize(
      () => {
        const logits = model.apply(x, { training: true }) as tf.Tensor2D;
        correct = tf.keep(
          tf.sum<tf.Scalar>(tf.cast(tf.equal(tf.argMax(logits, -1), labels), 'int32')),
        );
        const ce = tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 4), logits);
        const penalty = l2Penalty(model, weightDecay);
        return (penalty ? ce.add(penalty) : ce) as tf.Scalar;
      },
      true,
      vars,
    ) as tf.Scalar;
  });
  const result = { loss: loss.dataSync()[0], correct: correct ? correct.dataSync()[0] : 0 };
  loss.dispose();
  correct?.dispose();
  return result;
}

/** Rotation accuracy over prepared batches, inference mode (batch-norm moving stats). */
export function rotationAccuracy(model: tf.LayersModel, batches: Iterable<RotationBatch>): number {
  let correct = 0;
  let total = 0;
  for (const batch of batches) {
    const hits = tf.tidy(() => {
      const x = tf.tensor4d(batch.x, [batch.count, batch.size, batch.size, batch.channels]);
      const logits = model.predict(x) as tf.Tensor2D;
      return tf.sum(
        tf.cast(tf.equal(tf.argMax(logits, -1), tf.tensor1d(batch.labels, 'int32')), 'int32'),
      );
    });
    correct += hits.dataSync()[0];
    hits.dispose();
    total += batch.count;
  }
  return total === 0 ? 0 : correct / total;
}
