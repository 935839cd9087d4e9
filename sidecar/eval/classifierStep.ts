/**
 * One supervised SGD step of a whole network (fine-tuning) with optional gradient
 * accumulation over micro-batches (the wasm heap is capped at 4 GiB: ResNet-18 at
 * 32x32 needs ~3.5 GiB for 64 images), and classification accuracy in inference mode.
 */
import * as tf from '@tensorflow/tfjs';
import { l2Penalty } from '../models/weightDecay';
import { allIndices, checkpointLoop, chunks, inputBatch, type InputBatch } from './batches';
import type { EvalHooks, InputPrep, LabelledImages } from './types';

export interface StepResult {
  loss: number;
  correct: number;
}

function rowsOf(batch: InputBatch, start: number, end: number): tf.Tensor4D {
  const pixels = batch.height * batch.width * batch.channels;
  return tf.tensor4d(batch.x.subarray(start * pixels, end * pixels), [
    end - start,
    batch.height,
    batch.width,
    batch.channels,
  ]);
}

export function supervisedStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  batch: InputBatch,
  classes: number,
  weightDecay: number,
  microBatch = batch.count,
): StepResult {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const micro = Math.max(1, Math.min(microBatch, batch.count));
  let loss = 0;
  let correct = 0;
  let summed: tf.NamedTensorMap | null = null;
  for (let start = 0; start < batch.count; start += micro) {
    const end = Math.min(batch.count, start + micro);
    const { value, grads, hits } = tf.tidy(() => {
      const x = rowsOf(batch, start, end);
      const labels = tf.tensor1d(batch.labels.subarray(start, end), 'int32');
      let hitCount: tf.Scalar | undefined;
      const result = tf.variableGrads(() => {
        const logits = model.apply(x, { training: true }) as tf.Tensor2D;
        hitCount = tf.keep(
          tf.sum<tf.Scalar>(tf.cast(tf.equal(tf.argMax(logits, -1), labels), 'int32')),
        );
        // Each micro-batch's mean loss weighted by its share, so the sum is the batch mean.
        const ce = tf.mul<tf.Scalar>(
          tf.losses.softmaxCrossEntropy(tf.oneHot(labels, classes), logits),
          (end - start) / batch.count,
        );
        const penalty = start === 0 ? l2Penalty(model, weightDecay) : null;
        return penalty ? tf.add(ce, penalty) : ce;
      }, vars);
      return { ...result, hits: hitCount as tf.Scalar };
    });
    loss += value.dataSync()[0];
    correct += hits.dataSync()[0];
    tf.dispose([value, hits]);
    if (summed === null) {
      summed = grads;
    } else {
      const previous: tf.NamedTensorMap = summed;
      summed = tf.tidy(() => {
        const next: tf.NamedTensorMap = {};
        for (const name of Object.keys(grads)) next[name] = tf.add(previous[name], grads[name]);
        return next;
      });
      tf.dispose([...Object.values(previous), ...Object.values(grads)]);
    }
  }
  if (summed !== null) {
    const gradients = summed;
    tf.tidy(() => optimizer.applyGradients(gradients));
    tf.dispose(Object.values(gradients));
  }
  return { loss, correct };
}

/** Top-1 accuracy of `model` (inference mode) on the images at `indices`. */
export async function classificationAccuracy(
  model: tf.LayersModel,
  set: LabelledImages,
  prep: InputPrep,
  hooks: EvalHooks & { indices?: ArrayLike<number>; batchSize?: number } = {},
): Promise<number> {
  const indices = hooks.indices ?? allIndices(set.count);
  let hits = 0;
  let done = 0;
  for (const chunk of chunks(indices, hooks.batchSize ?? 64)) {
    await checkpointLoop(hooks.signal);
    const batch = inputBatch(set, chunk, prep);
    const correct = tf.tidy(() => {
      const logits = model.predict(rowsOf(batch, 0, batch.count)) as tf.Tensor2D;
      const labels = tf.tensor1d(batch.labels, 'int32');
      return tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), labels), 'int32'));
    });
    hits += correct.dataSync()[0];
    correct.dispose();
    done += chunk.length;
    hooks.onProgress?.({ phase: 'test', done, total: indices.length });
  }
  return indices.length === 0 ? 0 : hits / indices.length;
}
