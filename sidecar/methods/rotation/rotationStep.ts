/**
 * One optimisation step and the held-out evaluation of the rotation task. Kept apart
 * from the loop so that tests and the benchmark time exactly what training runs.
 */
import * as tf from '@tensorflow/tfjs';
import { minimizeStep, type StepResult } from '../../train/minimizeStep';

export interface RotationBatch {
  /** [count, size, size, channels], standardised. */
  x: Float32Array;
  labels: Int32Array;
  /** Network inputs in the batch: 4 x images (all four rotations of each). */
  count: number;
  size: number;
  channels: number;
}

export type { StepResult } from '../../train/minimizeStep';

export function trainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  batch: RotationBatch,
  weightDecay: number,
): StepResult {
  const labels = tf.tensor1d(batch.labels, 'int32');
  try {
    return minimizeStep(model, optimizer, batch, weightDecay, (logits) => ({
      loss: tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Scalar>(tf.oneHot(labels, 4), logits),
      hits: tf.sum<tf.Scalar>(tf.cast(tf.equal(tf.argMax(logits, -1), labels), 'int32')),
    }));
  } finally {
    labels.dispose();
  }
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
