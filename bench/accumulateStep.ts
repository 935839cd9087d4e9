/**
 * A training step over one batch split into micro-batches whose gradients are summed
 * before one optimiser update. Why: ResNet-18 at 32x32 with batch 128 needs more than the
 * wasm backend's 4 GiB heap in one pass (MACHINE.md). With one micro-batch it is exactly
 * the sidecar's `trainStep`, so the benchmark times the real step whenever memory allows.
 *
 * The loss is the same as `trainStep`'s (softmax cross-entropy over 4 rotations plus
 * L2 on conv/dense kernels); each micro-batch's loss is weighted by its share of the
 * batch, so the summed gradient equals the full batch's. Batch-norm statistics are per
 * micro-batch, as with gradient accumulation in PyTorch.
 */
import * as tf from '@tensorflow/tfjs';
import {
  trainStep,
  type RotationBatch,
  type StepResult,
} from '../sidecar/methods/rotation/rotationStep';

function microLoss(
  model: tf.LayersModel,
  x: tf.Tensor4D,
  labels: tf.Tensor1D,
  weightDecay: number,
  share: number,
): { loss: tf.Scalar; correct: tf.Scalar } {
  const logits = model.apply(x, { training: true }) as tf.Tensor2D;
  const correct = tf.sum<tf.Scalar>(tf.cast(tf.equal(tf.argMax(logits, -1), labels), 'int32'));
  let loss = tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Scalar>(tf.oneHot(labels, 4), logits);
  const kernels = model.trainableWeights.filter((w) => w.name.includes('kernel'));
  if (weightDecay !== 0 && kernels.length > 0) {
    const l2 = tf.addN(kernels.map((w) => tf.sum(tf.square(w.read()))));
    loss = tf.add<tf.Scalar>(loss, tf.mul(l2, weightDecay / 2));
  }
  return { loss: tf.mul<tf.Scalar>(loss, share), correct };
}

export function accumulatedStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  batch: RotationBatch,
  weightDecay: number,
  microBatch: number,
): StepResult {
  if (microBatch >= batch.count) return trainStep(model, optimizer, batch, weightDecay);
  const pixels = batch.size * batch.size * batch.channels;
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let sums: tf.NamedTensorMap | undefined;
  let loss = 0;
  let correct = 0;
  for (let start = 0; start < batch.count; start += microBatch) {
    const n = Math.min(microBatch, batch.count - start);
    const part = tf.tidy(() => {
      const x = tf.tensor4d(batch.x.subarray(start * pixels, (start + n) * pixels), [
        n,
        batch.size,
        batch.size,
        batch.channels,
      ]);
      const labels = tf.tensor1d(batch.labels.subarray(start, start + n), 'int32');
      let hits: tf.Scalar | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const out = microLoss(model, x, labels, weightDecay, n / batch.count);
        // variableGrads disposes what the loss function made, except its result.
        hits = tf.keep(out.correct);
        return out.loss;
      }, vars);
      return { value, grads, hits: hits ?? tf.scalar(0, 'int32') };
    });
    loss += part.value.dataSync()[0];
    correct += part.hits.dataSync()[0];
    tf.dispose([part.value, part.hits]);
    if (sums == null) {
      sums = part.grads;
    } else {
      for (const name of Object.keys(part.grads)) {
        const next = tf.add(sums[name], part.grads[name]);
        tf.dispose([sums[name], part.grads[name]]);
        sums[name] = next;
      }
    }
  }
  if (sums != null) {
    optimizer.applyGradients(sums);
    tf.dispose(Object.values(sums));
  }
  return { loss, correct };
}
