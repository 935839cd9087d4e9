/**
 * Network-in-Network as RotNet trains it on CIFAR-10 (gidariss/FeatureLearningRotNet,
 * NetworkInNetwork.py): `blocks` (>= 3) conv blocks of three conv-BN-ReLU units each
 * (5x5 or 3x3, then two 1x1), global average pooling and a linear `head`. Blocks 1 and 2
 * end in 3x3 stride-2 pools (max, then average), block 3 too when there are more than
 * three blocks; identity layers `block1..blockN` name each block's output.
 *
 * One difference from PyTorch: its padded AvgPool2d counts the zero padding in border
 * averages, tfjs's 'same' average pool does not. Shapes and parameters are the same.
 */
import * as tf from '@tensorflow/tfjs';
import { convBnRelu, imageInput, named, poolAndHead, seedSource, type SeedSource } from './layers';

export interface NinOptions {
  inputChannels: number;
  classes: number;
  seed: number;
  /** Conv blocks, at least 3; RotNet's best CIFAR-10 model has 4 (the default). */
  blocks?: number;
  /** The main width (192 in RotNet); block 1's 1x1 widths 160 and 96 scale with it. */
  width?: number;
}

function unit(
  x: tf.SymbolicTensor,
  filters: number,
  kernelSize: number,
  name: string,
  init: SeedSource,
): tf.SymbolicTensor {
  return convBnRelu(x, { filters, kernelSize }, name, init);
}

export function buildNin(options: NinOptions): tf.LayersModel {
  const blocks = options.blocks ?? 4;
  if (!Number.isInteger(blocks) || blocks < 3) throw new Error('NIN: blocks must be >= 3');
  const w = options.width ?? 192;
  const w2 = Math.round((w * 160) / 192);
  const w3 = Math.round((w * 96) / 192);
  const init = seedSource(options.seed);
  const pool = (x: tf.SymbolicTensor, kind: 'max' | 'avg', name: string) => {
    const config = { poolSize: 3, strides: 2, padding: 'same' as const, name };
    const layer =
      kind === 'max' ? tf.layers.maxPooling2d(config) : tf.layers.averagePooling2d(config);
    return layer.apply(x) as tf.SymbolicTensor;
  };

  const input = imageInput(options.inputChannels);
  let x = unit(input, w, 5, 'block1_conv1', init);
  x = unit(x, w2, 1, 'block1_conv2', init);
  x = unit(x, w3, 1, 'block1_conv3', init);
  x = named(pool(x, 'max', 'block1_pool'), 'block1');
  for (let b = 2; b <= blocks; b++) {
    x = unit(x, w, b === 2 ? 5 : 3, `block${b}_conv1`, init);
    x = unit(x, w, 1, `block${b}_conv2`, init);
    x = unit(x, w, 1, `block${b}_conv3`, init);
    if (b === 2 || (b === 3 && blocks > 3)) x = pool(x, 'avg', `block${b}_pool`);
    x = named(x, `block${b}`);
  }
  return tf.model({ inputs: input, outputs: poolAndHead(x, options.classes, init), name: 'nin' });
}
