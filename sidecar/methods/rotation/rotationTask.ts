/**
 * The rotation pretext task along a chain of scales (RotNet is the chain [1], ScaleNet
 * e.g. [0.5, 1]): four rotations of every image, cross-entropy over the rotation, SGD
 * with momentum. The stage / epoch / step loop, checkpoints and resume live in
 * train/stageLoop.ts, shared with SimCLR.
 */
import * as tf from '@tensorflow/tfjs';
import type { ScaleNetConfig } from '../../protocol';
import type { PreparedData } from '../../train/stageData';
import { prepareStage } from '../../train/stageData';
import { heldOutBatches, rotationBatch } from './rotationBatches';
import { rotationAccuracy, trainStep } from './rotationStep';
import type { PretextTask } from '../../train/stageLoop';

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
