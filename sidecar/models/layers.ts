/**
 * Building blocks shared by every model builder: seeded initialisers, conv + batch-norm
 * (no conv bias, as in torchvision and RotNet), the identity layers that name a
 * stage/block output, and the global-pooling head. Keeping them in one place keeps the
 * naming rules (`*_conv`, `*_bn`, `pool`, `head`) the same for every architecture,
 * which is what checkpoints, weight transfer, probes and Grad-CAM rely on.
 */
import * as tf from '@tensorflow/tfjs';

export const HEAD_LAYER = 'head';
export const FEATURE_LAYER = 'pool';

/** Hands out one seed per initialiser, in build order, so the same options give the same weights. */
export type SeedSource = () => { seed: number };

export function seedSource(seed: number): SeedSource {
  let next = 0;
  return () => ({ seed: seed * 1000 + next++ });
}

export interface ConvBnOptions {
  filters: number;
  kernelSize: number;
  strides?: number;
  /** 'same' by default; 'valid' when the caller pads explicitly (AlexNet's conv1). */
  padding?: 'same' | 'valid';
  /** False by default (BN's beta makes it redundant); RotNet's AlexNet keeps it. */
  useBias?: boolean;
}

export function convBn(
  x: tf.SymbolicTensor,
  { filters, kernelSize, strides = 1, padding = 'same', useBias = false }: ConvBnOptions,
  name: string,
  init: SeedSource,
): tf.SymbolicTensor {
  const conv = tf.layers.conv2d({
    filters,
    kernelSize,
    strides,
    padding,
    useBias,
    kernelInitializer: tf.initializers.heNormal(init()),
    name: `${name}_conv`,
  });
  // PyTorch's defaults (momentum 0.1 there = 0.9 here, eps 1e-5), like the reference nets.
  const bn = tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5, name: `${name}_bn` });
  return bn.apply(conv.apply(x)) as tf.SymbolicTensor;
}

export function relu(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  return tf.layers.reLU({ name }).apply(x) as tf.SymbolicTensor;
}

/** conv → BN → ReLU, the unit NIN and AlexNet are made of. */
export function convBnRelu(
  x: tf.SymbolicTensor,
  options: ConvBnOptions,
  name: string,
  init: SeedSource,
): tf.SymbolicTensor {
  return relu(convBn(x, options, name, init), `${name}_relu`);
}

/** An identity layer named after a stage/block: probes and Grad-CAM find outputs by name. */
export function named(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  return tf.layers.activation({ activation: 'linear', name }).apply(x) as tf.SymbolicTensor;
}

/**
 * Global average pooling (`pool`) and the classifier (`head`). Pooling over whatever
 * spatial size arrives is what lets the same weights run at every ScaleNet scale.
 */
export function poolAndHead(
  x: tf.SymbolicTensor,
  classes: number,
  init: SeedSource,
): tf.SymbolicTensor {
  const pooled = tf.layers
    .globalAveragePooling2d({ name: FEATURE_LAYER })
    .apply(x) as tf.SymbolicTensor;
  return tf.layers
    .dense({
      units: classes,
      kernelInitializer: tf.initializers.glorotUniform(init()),
      name: HEAD_LAYER,
    })
    .apply(pooled) as tf.SymbolicTensor;
}

/** The open-sized image input every model takes: [batch, height, width, channels]. */
export function imageInput(channels: number): tf.SymbolicTensor {
  return tf.input({ shape: [null, null, channels], name: 'image' });
}
