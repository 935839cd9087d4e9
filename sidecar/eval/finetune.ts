/**
 * The paper's CIFAR fine-tuning protocol: a fresh network of the same architecture with
 * a `classes`-way head takes every trunk weight of the pretext model (the rotation head
 * is skipped), nothing is frozen, and the whole network trains with SGD momentum,
 * weight decay and a step schedule on a label budget of K images chosen with
 * selectSubset (stratified, seeded). Returns the test accuracy; per-epoch metrics go to
 * a callback as they happen.
 */
import * as tf from '@tensorflow/tfjs';
import { selectSubset } from '../data/subset';
import { HEAD_LAYER } from '../models/layers';
import { transferWeights } from '../models/resnet';
import { learningRateAt } from '../util/schedule';
import { createRng, deriveSeed, shuffle } from '../util/random';
import { flipAndCrop } from './augment';
import { disposeOptimizer } from '../util/disposeOptimizer';
import { momentumOptimizer } from './optimizer';
import { allIndices, checkpointLoop, inputBatch } from './batches';
import { classificationAccuracy, supervisedStep } from './classifierStep';
import type { EvalHooks, InputPrep, LabelledImages, SgdSchedule } from './types';

export interface FinetuneEpoch {
  epoch: number;
  lr: number;
  loss: number;
  trainAccuracy: number;
  /** Measured every `testEvery` epochs and at the last one. */
  testAccuracy?: number;
  seconds: number;
}

export interface FinetuneOptions extends EvalHooks {
  /** A fresh network of the pretext model's architecture with `classes` outputs. */
  build: (classes: number) => tf.LayersModel;
  classes: number;
  /** SGD momentum 0.9, weight decay 5e-4, lr 0.001 x0.2 at 80/160/200 in the paper. */
  schedule: SgdSchedule;
  /** K labelled training images (stratified, seeded); the whole set when omitted. */
  labelBudget?: number;
  /** The labelled images as positions in `train` (e.g. a stored subset); wins over labelBudget. */
  trainIndices?: ArrayLike<number>;
  seed: number;
  /** Random crop (padding size/8) + horizontal flip on training batches; off by default. */
  augment?: boolean;
  /** Images per forward/backward pass; gradients are summed up to `batchSize`. */
  microBatch?: number;
  /** Test every N epochs (1 by default); the last epoch is always tested. */
  testEvery?: number;
  onEpoch?: (metrics: FinetuneEpoch) => void;
  /** Hand the trained network to the caller (who disposes it) instead of disposing it. */
  keepModel?: boolean;
}

export interface FinetuneResult {
  testAccuracy: number;
  epochs: FinetuneEpoch[];
  /** The labelled images used (positions in the training set). */
  trainIndices: Int32Array;
  /** Layers whose weights came from the pretext model. */
  transferred: string[];
  model?: tf.LayersModel;
}

/**
 * `pretext` null trains the same network from its random initialisation: the
 * supervised baseline the paper compares against.
 */
export async function finetune(
  pretext: tf.LayersModel | null,
  train: LabelledImages,
  test: LabelledImages,
  prep: InputPrep,
  options: FinetuneOptions,
): Promise<FinetuneResult> {
  const { schedule, classes, seed, signal } = options;
  const trainIndices = options.trainIndices
    ? Int32Array.from(options.trainIndices)
    : options.labelBudget === undefined || options.labelBudget >= train.count
      ? allIndices(train.count)
      : selectSubset(train.labels, { limit: options.labelBudget, seed: deriveSeed(seed, 0x1abe1) });
  if (trainIndices.length === 0) throw new Error('Fine-tune: no labelled training images');
  const model = options.build(classes);
  const optimizer = momentumOptimizer(schedule);
  const epochs: FinetuneEpoch[] = [];
  let handedOver = false;
  try {
    const transferred = pretext ? transferWeights(pretext, model, [HEAD_LAYER]) : [];
    if (pretext && transferred.length === 0) {
      throw new Error('Fine-tune: no layer of the pretext model matches the new network');
    }
    const stepsPerEpoch = Math.ceil(trainIndices.length / schedule.batchSize);
    const testEvery = Math.max(1, options.testEvery ?? 1);
    let testAccuracy = 0;
    for (let epoch = 0; epoch < schedule.epochs; epoch++) {
      const started = Date.now();
      const lr = learningRateAt(schedule.lr, epoch, schedule.milestones, schedule.gamma);
      optimizer.setLearningRate(lr);
      const order = shuffle(
        createRng(deriveSeed(seed, 0xf1e, epoch)),
        Int32Array.from(trainIndices),
      );
      const augmentRng = createRng(deriveSeed(seed, 0xa06, epoch));
      let loss = 0;
      let correct = 0;
      for (let step = 0; step < stepsPerEpoch; step++) {
        await checkpointLoop(signal);
        const rows = order.subarray(step * schedule.batchSize, (step + 1) * schedule.batchSize);
        let batch = inputBatch(train, rows, prep);
        if (options.augment) batch = flipAndCrop(batch, augmentRng);
        const result = supervisedStep(
          model,
          optimizer,
          batch,
          classes,
          schedule.weightDecay,
          options.microBatch,
        );
        loss += result.loss * rows.length;
        correct += result.correct;
        options.onProgress?.({ phase: 'train', epoch, done: step + 1, total: stepsPerEpoch });
      }
      const metrics: FinetuneEpoch = {
        epoch,
        lr,
        loss: loss / trainIndices.length,
        trainAccuracy: correct / trainIndices.length,
        seconds: 0,
      };
      if ((epoch + 1) % testEvery === 0 || epoch === schedule.epochs - 1) {
        testAccuracy = await classificationAccuracy(model, test, prep, {
          signal,
          onProgress: options.onProgress,
          batchSize: schedule.batchSize,
        });
        metrics.testAccuracy = testAccuracy;
      }
      metrics.seconds = (Date.now() - started) / 1000;
      epochs.push(metrics);
      options.onEpoch?.(metrics);
    }
    handedOver = options.keepModel === true;
    return {
      testAccuracy,
      epochs,
      trainIndices,
      transferred,
      model: options.keepModel ? model : undefined,
    };
  } finally {
    disposeOptimizer(optimizer);
    // A failed or cancelled run never hands the model over, so it is freed here too.
    if (!handedOver) model.dispose();
  }
}
