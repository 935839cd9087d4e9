/**
 * One SimCLR optimisation step (NT-Xent on the projections of both views, plus L2 on
 * kernels when `weightDecay` > 0) and the held-out contrastive accuracy. Kept apart
 * from the loop so that tests and the benchmark time exactly what training runs.
 */
import * as tf from '@tensorflow/tfjs';
import { minimizeStep } from '../../train/minimizeStep';
import { contrastiveHits, ntXentLoss } from './ntXent';
import type { ViewBatch } from './viewBatch';

/**
 * Adam whose learning rate the step schedule can change between epochs (tfjs's Adam
 * reads `learningRate` at every update but has no setter). Same class name, so
 * checkpoints of its slots load into it.
 */
export class ScheduledAdam extends tf.AdamOptimizer {
  setLearningRate(lr: number): void {
    this.learningRate = lr;
  }
}

/** The paper's optimiser for multi-scale SimCLR; tfjs's default betas and epsilon. */
export function makeAdam(lr: number): ScheduledAdam {
  return new ScheduledAdam(lr, 0.9, 0.999, 1e-7);
}

export interface SimclrStepResult {
  loss: number;
  /** Views whose nearest other view is their positive. */
  correct: number;
}

export function simclrTrainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  batch: ViewBatch,
  temperature: number,
  weightDecay: number,
): SimclrStepResult {
  return minimizeStep(model, optimizer, batch, weightDecay, (z) => ({
    loss: ntXentLoss(z, temperature),
    hits: contrastiveHits(z, temperature),
  }));
}

/** Contrastive top-1 accuracy over view batches, inference mode (batch-norm moving stats). */
export function contrastiveAccuracy(
  model: tf.LayersModel,
  batches: Iterable<ViewBatch>,
  temperature: number,
): number {
  let correct = 0;
  let total = 0;
  for (const batch of batches) {
    const hits = tf.tidy(() => {
      const x = tf.tensor4d(batch.x, [batch.count, batch.size, batch.size, batch.channels]);
      return contrastiveHits(model.predict(x) as tf.Tensor2D, temperature);
    });
    correct += hits.dataSync()[0];
    hits.dispose();
    total += batch.count;
  }
  return total === 0 ? 0 : correct / total;
}
