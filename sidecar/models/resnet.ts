/**
 * ResNets built as a pure function of their options: by default the small configurable
 * CIFAR-stem net (3x3 stem conv, no max-pool, basic blocks); `stem` and `block` give the
 * ImageNet stem and bottleneck blocks that ResNet-50 needs (resnetPresets.ts has the
 * standard depths). Spatial dimensions are left open ([null, null, C]) and the trunk
 * ends in global average pooling, so the same weights run at 16, 24, 32... pixels: that
 * is what lets ScaleNet move weights up its chain of scales.
 *
 * Layer names are stable (`stem_*`, `stage{i}_block{j}_*`, `stage{i}` for each stage's
 * output, `pool`, `head`) because checkpoints, weight transfer and probes find layers
 * by name.
 */
import * as tf from '@tensorflow/tfjs';
import { imageInput, named, poolAndHead, seedSource } from './layers';
import { basicBlock, bottleneckBlock, stem, type BlockKind, type StemKind } from './resnetBlocks';

export { FEATURE_LAYER, HEAD_LAYER } from './layers';
export type { BlockKind, StemKind } from './resnetBlocks';

export interface ResNetOptions {
  inputChannels: number;
  /** Residual blocks per stage; stage i > 1 halves the resolution. */
  blocks: number[];
  /** Channels per stage (inside the block for bottlenecks, whose output is 4x this). */
  widths: number[];
  /** Outputs of the `head` layer (4 for the rotation task). */
  classes: number;
  /** Seeds the initialisers, so the same options give the same weights. */
  seed: number;
  /** 'cifar' (default) or 'imagenet'. */
  stem?: StemKind;
  /** 'basic' (default) or 'bottleneck'. */
  block?: BlockKind;
}

export function buildResNet(options: ResNetOptions): tf.LayersModel {
  if (options.blocks.length !== options.widths.length) {
    throw new Error('ResNet: blocks and widths need one entry per stage');
  }
  const init = seedSource(options.seed);
  const makeBlock = options.block === 'bottleneck' ? bottleneckBlock : basicBlock;
  const input = imageInput(options.inputChannels);
  let x = stem(input, options.stem ?? 'cifar', options.widths[0], init);
  options.blocks.forEach((count, stageIndex) => {
    for (let b = 0; b < count; b++) {
      const strides = stageIndex > 0 && b === 0 ? 2 : 1;
      const name = `stage${stageIndex + 1}_block${b + 1}`;
      x = makeBlock(x, options.widths[stageIndex], strides, name, init);
    }
    x = named(x, `stage${stageIndex + 1}`);
  });
  return tf.model({
    inputs: input,
    outputs: poolAndHead(x, options.classes, init),
    name: 'resnet',
  });
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
