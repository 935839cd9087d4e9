import * as tf from '@tensorflow/tfjs';

/**
 * weightDecay/2 x the sum of squared kernels: L2 on convolution and dense kernels only
 * (not biases or batch-norm scales), PyTorch's usual ResNet recipe; its gradient is
 * weightDecay x w, as SGD's `weight_decay`. Undefined when there is nothing to add.
 */
export function l2Penalty(model: tf.LayersModel, weightDecay: number): tf.Scalar | undefined {
  const kernels = model.trainableWeights.filter((w) => w.name.includes('kernel'));
  if (weightDecay === 0 || kernels.length === 0) return undefined;
  return tf.mul<tf.Scalar>(
    tf.addN(kernels.map((w) => tf.sum(tf.square(w.read())))),
    weightDecay / 2,
  );
}
