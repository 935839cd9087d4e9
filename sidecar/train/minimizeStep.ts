/**
 * The optimisation step every pretext task shares: the network on a batch in training
 * mode, the task's loss plus L2 on kernels, one optimizer update over the trainable
 * weights (always in the same order, which tfjs's optimizer slots rely on), and the
 * loss and the task's hit count read back as numbers.
 */
import * as tf from '@tensorflow/tfjs';
import { l2Penalty } from '../models/weightDecay';

export interface StepResult {
  loss: number;
  correct: number;
}

export interface StepInput {
  /** [count, size, size, channels], standardised. */
  x: Float32Array;
  count: number;
  size: number;
  channels: number;
}

export function minimizeStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  batch: StepInput,
  weightDecay: number,
  objective: (outputs: tf.Tensor2D) => { loss: tf.Scalar; hits: tf.Scalar },
): StepResult {
  let correct: tf.Scalar | undefined;
  const loss = tf.tidy(() => {
    const x = tf.tensor4d(batch.x, [batch.count, batch.size, batch.size, batch.channels]);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    return optimizer.minimize(
      () => {
        const outputs = model.apply(x, { training: true }) as tf.Tensor2D;
        const { loss: taskLoss, hits } = objective(outputs);
        correct = tf.keep(hits);
        const penalty = l2Penalty(model, weightDecay);
        return penalty ? tf.add<tf.Scalar>(taskLoss, penalty) : taskLoss;
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
