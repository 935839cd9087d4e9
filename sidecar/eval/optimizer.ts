/** SGD with momentum for the evaluators (disposed with util/disposeOptimizer.ts). */
import * as tf from '@tensorflow/tfjs';
import type { SgdSchedule } from './types';

export function momentumOptimizer(schedule: SgdSchedule): tf.MomentumOptimizer {
  return tf.train.momentum(schedule.lr, schedule.momentum, schedule.nesterov ?? false);
}
