/**
 * An optimiser's complete disposal: tfjs 4.22's MomentumOptimizer.dispose frees the
 * momentum scalar and the accumulators but not the learning-rate scalar `c` its SGD base
 * class keeps, so each optimiser would leak one tensor (per evaluation, per stage).
 */
import * as tf from '@tensorflow/tfjs';

export function disposeOptimizer(optimizer: tf.Optimizer): void {
  optimizer.dispose();
  const rate: unknown = Reflect.get(optimizer, 'c');
  if (rate instanceof tf.Tensor && !rate.isDisposed) rate.dispose();
}
