/**
 * SimCLR along a chain of scales: SimCLR is the chain [1], multi-scale SimCLR (the
 * paper's variant) e.g. [0.5, 1], each stage starting from the previous one's weights
 * with a fresh Adam. The loop, checkpoints and resume are the rotation task's
 * (train/stageLoop.ts); only the batch, the step and the held-out measure differ.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ScaleNetConfig } from '../../protocol';
import { prepareStage, type PreparedData } from '../../train/stageData';
import type { PretextTask } from '../../train/stageLoop';
import { contrastiveAccuracy, makeAdam, simclrTrainStep, type ScheduledAdam } from './simclrStep';
import { augmentOptions, heldOutViewBatches, trainViewBatch } from './viewBatch';

export function simclrTask(
  config: ScaleNetConfig,
  data: PreparedData,
  model: tf.LayersModel,
): PretextTask<ScheduledAdam> {
  const { temperature } = config.simclr;
  const { weightDecay, batchSize } = config.pretext;
  return {
    prepare: (stage, alpha) => {
      const images = prepareStage(data, alpha);
      const options = augmentOptions(config, images.size);
      const heldOutBatch = Math.min(batchSize, images.heldOut.count);
      return {
        size: images.size,
        trainCount: images.trainCount,
        step: (optimizer, positions, epoch) => {
          const batch = trainViewBatch(images, options, stage, positions, epoch);
          const result = simclrTrainStep(model, optimizer, batch, temperature, weightDecay);
          return { ...result, count: batch.count };
        },
        heldOutAccuracy: () =>
          heldOutBatch < 2
            ? 0
            : contrastiveAccuracy(
                model,
                heldOutViewBatches(images, options, stage, heldOutBatch),
                temperature,
              ),
      };
    },
    makeOptimizer: makeAdam,
    setLearningRate: (optimizer, lr) => optimizer.setLearningRate(lr),
  };
}
