/**
 * SimCLR's network: the trunk's global-average-pooled features (`pool`) followed by the
 * projection MLP g(h) = W2 ReLU(W1 h). The rotation `head` of the built trunk is not
 * part of it. Trunk layers keep their names, so kNN, linear probes and fine-tuning find
 * `pool` and `stage1..N` in this model (and in checkpoints of it) as in a RotNet one.
 */
import * as tf from '@tensorflow/tfjs';
import { FEATURE_LAYER, HEAD_LAYER } from '../../models/layers';

export const PROJECTION_LAYERS = ['proj_hidden', 'proj_relu', 'proj_out'] as const;

export interface ProjectionOptions {
  /** Hidden units; 0 = the feature dimension (SimCLR's choice). */
  hidden: number;
  /** Output (embedding) dimension, 128 in SimCLR. */
  out: number;
  seed: number;
}

/**
 * Wraps a freshly built trunk; the returned model owns the trunk's layers (dispose it,
 * not the trunk). The trunk's unused rotation head is disposed here so nothing leaks.
 */
export function buildSimclrModel(
  trunk: tf.LayersModel,
  options: ProjectionOptions,
): tf.LayersModel {
  const pooled = trunk.getLayer(FEATURE_LAYER).output as tf.SymbolicTensor;
  const features = pooled.shape[pooled.shape.length - 1] ?? 0;
  const hidden = options.hidden > 0 ? options.hidden : features;
  // Seeds apart from the trunk's (seed * 1000 + n) so the head is reproducible too.
  const init = (k: number) =>
    tf.initializers.glorotUniform({ seed: options.seed * 1000 + 900 + k });
  const h = tf.layers
    .dense({ units: hidden, kernelInitializer: init(0), name: PROJECTION_LAYERS[0] })
    .apply(pooled) as tf.SymbolicTensor;
  const r = tf.layers.reLU({ name: PROJECTION_LAYERS[1] }).apply(h) as tf.SymbolicTensor;
  const z = tf.layers
    .dense({ units: options.out, kernelInitializer: init(1), name: PROJECTION_LAYERS[2] })
    .apply(r) as tf.SymbolicTensor;
  const model = tf.model({ inputs: trunk.inputs, outputs: z, name: 'simclr' });
  trunk.getLayer(HEAD_LAYER).dispose();
  return model;
}
