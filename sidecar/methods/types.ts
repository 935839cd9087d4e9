/**
 * What every pretext method supplies to the shared stage / epoch / step loop
 * (train/stageLoop.ts): its network, and per stage its batch, optimisation step,
 * optimiser and held-out measure. Config defaults and checks of a method live in the
 * pure checker (protocol/configCheck), which the extension runs too.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ModelSpec } from '../models/buildModel';
import type { Method, ScaleNetConfig } from '../protocol';
import type { PreparedData } from '../train/stageData';
import type { PretextTask } from '../train/stageLoop';

export interface PretextMethod {
  /** The config's `method` values this module trains. */
  readonly names: readonly Method[];
  /** What `pretext/accuracy` measures on held-out images, for logs and the README. */
  readonly heldOutMeasure: string;
  /** The network a fresh run starts from. */
  buildModel(config: ScaleNetConfig, spec: ModelSpec): tf.LayersModel;
  /** The method's per-stage work for the shared loop. */
  task(
    config: ScaleNetConfig,
    data: PreparedData,
    model: tf.LayersModel,
  ): PretextTask<tf.Optimizer>;
}
