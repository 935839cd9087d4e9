/**
 * The rotation pretext task along a chain of scales (RotNet is the chain [1], ScaleNet
 * e.g. [0.5, 1]): four rotations of every image, cross-entropy over the rotation, SGD
 * with momentum. The stage / epoch / step loop, checkpoints and resume live in
 * stageLoop.ts, shared with SimCLR.
 */
import * as tf from '@tensorflow/tfjs';
import type { ScaleNetConfig } from '../protocol';
import type { PreparedData } from './stageData';
import { heldOutBatches, prepareStage, rotationBatch } from './stageData';
import { rotationAccuracy, trainStep } from './rotationStep';
import { runStageLoop, type PretextResult, type PretextRun, type PretextTask } from './stageLoop';

export type { PretextResult, PretextRun, ProgressReport, TrainerState } from './stageLoop';

/** The rotation task's stages: the rotation batch, its SGD step and held-out accuracy. */
export function rotationTask(
  config: ScaleNetConfig,
  data: PreparedData,
  model: tf.LayersModel,
): PretextTask<tf.MomentumOptimizer> {
  const { momentum, nesterov, weightDecay } = config.pretext;
  return {
    prepare: (_stage, alpha) => {
      const images = prepareStage(data, alpha);
      return {
        size: images.size,
        trainCount: images.trainCount,
        step: (optimizer, positions, epoch) => {
          const batch = rotationBatch(images, positions, epoch);
          const result = trainStep(model, optimizer, batch, weightDecay);
          return { ...result, count: batch.count };
        },
        heldOutAccuracy: () => rotationAccuracy(model, heldOutBatches(images)),
      };
    },
    makeOptimizer: (lr) => tf.train.momentum(lr, momentum, nesterov),
    setLearningRate: (optimizer, lr) => optimizer.setLearningRate(lr),
  };
}

export function trainPretext(run: PretextRun): Promise<PretextResult> {
  return runStageLoop(run, rotationTask(run.config, run.data, run.model));
}
