/**
 * A CIFAR-stem ResNet (3x3 stem conv, no max-pool) built as a pure function of its
 * options. Spatial dimensions are left open ([null, null, C]) and the trunk ends in
 * global average pooling, so the same weights run at 16, 24, 32... pixels: that is
 * what lets ScaleNet move weights up its chain of scales.
 *
 * Layer names are stable (`stem_*`, `stage{i}_block{j}_*`, `stage{i}` for each stage's
 * output, `pool`, `head`) because checkpoints, weight transfer and probes find layers
 * by name.
 */
import * as tf from '@tensorflow/tfjs';

export interface ResNetOptions {
  inputChannels: number;
  /** Residual blocks per stage; stage i > 1 halves the resolution. */
  blocks: number[];
  /** Output channels per stage. */
  widths: number[];
  /** Outputs of the `head` layer (4 for the rotation task). */
  classes: number;
  /** Seeds the initialisers, so the same options give the same weights. */
  seed: number;
}

export const HEAD_LAYER = 'head';
export const FEATURE_LAYER = 'pool';

function seeded(options: ResNetOptions, counter: { next: number }) {
  return { seed: options.seed * 1000 + counter.next++ };
}

function convBn(
  x: tf.SymbolicTensor,
  filters: number,
  kernelSize: number,
  strides: number,
  name: string,
  init: () => { seed: number },
): tf.SymbolicTensor {
  const conv = tf.layers.conv2d({
    filters,
    kernelSize,
    strides,
    padding: 'same',
    useBias: false,
    kernelInitializer: tf.initializers.heNormal(init()),
    name: `${name}_conv`,
  });
  const bn = tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5, name: `${name}_bn` });
  return bn.apply(conv.apply(x)) as tf.SymbolicTensor;
}

function basicBlock(
  x: tf.SymbolicTensor,
  filters: number,
  strides: number,
  name: string,
  init: () => { seed: number },
): tf.SymbolicTensor {
  const inChannels = x.shape[x.shape.length - 1];
  let y = convBn(x, filters, 3, strides, `${name}_a`, init);
  y = tf.layers.reLU({ name: `${name}_a_relu` }).apply(y) as tf.SymbolicTensor;
  y = convBn(y, filters, 3, 1, `${name}_b`, init);
  const shortcut =
    strides !== 1 || inChannels !== filters
      ? convBn(x, filters, 1, strides, `${name}_proj`, init)
      : x;
  const sum = tf.layers.add({ name: `${name}_add` }).apply([y, shortcut]) as tf.SymbolicTensor;
  return tf.layers.reLU({ name: `${name}_out` }).apply(sum) as tf.SymbolicTensor;
}

export function buildResNet(options: ResNetOptions): tf.LayersModel {
  if (options.blocks.length !== options.widths.length) {
    throw new Error('ResNet: blocks and widths need one entry per stage');
  }
  const counter = { next: 0 };
  const init = () => seeded(options, counter);
  const input = tf.input({ shape: [null, null, options.inputChannels], name: 'image' });
  let x = convBn(input, options.widths[0], 3, 1, 'stem', init);
  x = tf.layers.reLU({ name: 'stem_relu' }).apply(x) as tf.SymbolicTensor;
  options.blocks.forEach((count, stageIndex) => {
    for (let b = 0; b < count; b++) {
      const strides = stageIndex > 0 && b === 0 ? 2 : 1;
      const name = `stage${stageIndex + 1}_block${b + 1}`;
      x = basicBlock(x, options.widths[stageIndex], strides, name, init);
    }
    // An identity layer named after the stage: probes and Grad-CAM find stage outputs by name.
    x = tf.layers
      .activation({ activation: 'linear', name: `stage${stageIndex + 1}` })
      .apply(x) as tf.SymbolicTensor;
  });
  const pooled = tf.layers
    .globalAveragePooling2d({ name: FEATURE_LAYER })
    .apply(x) as tf.SymbolicTensor;
  const logits = tf.layers
    .dense({
      units: options.classes,
      kernelInitializer: tf.initializers.glorotUniform(init()),
      name: HEAD_LAYER,
    })
    .apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: 'resnet' });
}

/**
 * Copies every weight of `from` into the layer of the same name in `to`, except the
 * layers listed in `skip` (e.g. the head when its size changes). Returns the copied
 * layer names; throws when a shared layer's shapes differ.
 */
export function transferWeights(
  from: tf.LayersModel,
  to: tf.LayersModel,
  skip: string[] = [],
): string[] {
  const copied: string[] = [];
  for (const target of to.layers) {
    if (skip.includes(target.name) || target.getWeights().length === 0) continue;
    const source = from.layers.find((l) => l.name === target.name);
    if (!source) continue;
    target.setWeights(source.getWeights());
    copied.push(target.name);
  }
  return copied;
}
