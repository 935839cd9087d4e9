/**
 * AlexNet as RotNet trains it on ImageNet (gidariss/FeatureLearningRotNet, the paper's
 * ImageNet model): five conv blocks with batch norm (and RotNet's conv biases), made
 * fully convolutional here: global average pooling and one `head` replace pool5 and
 * the fc block, so the same weights run at every scale of a ScaleNet chain.
 *
 * Blocks (identity layers `block1..block5`): conv1+pool1, conv2+pool2, conv3, conv4,
 * conv5 — RotNet's ConvB1..ConvB5, the features its linear probes read.
 *
 * Variants:
 * - `imagenet`: conv1 11x11 stride 4 padding 2, 3x3 stride-2 max-pools without padding,
 *   as RotNet. The smallest input is 31x31 (block2 and later are then 1x1); 224 gives
 *   55 → 27 → 13 as the reference.
 * - `cifar`: conv1 5x5 stride 1 and padded pools ('same'), for 8..32 px images: 32 px
 *   gives 16 → 8 → 8 → 8 → 8; any size from 1 px runs.
 */
import * as tf from '@tensorflow/tfjs';
import { convBnRelu, imageInput, named, poolAndHead, seedSource } from './layers';

export type AlexNetVariant = 'imagenet' | 'cifar';

export const ALEXNET_WIDTHS = [64, 192, 384, 256, 256];
/** Smallest side length each variant accepts. */
export const ALEXNET_MIN_SIZE: Record<AlexNetVariant, number> = { imagenet: 31, cifar: 1 };

export interface AlexNetOptions {
  inputChannels: number;
  classes: number;
  seed: number;
  variant?: AlexNetVariant;
  /** Channels of conv1..conv5; RotNet's by default. Smaller ones make a laptop-sized net. */
  widths?: number[];
}

export function buildAlexNet(options: AlexNetOptions): tf.LayersModel {
  const variant = options.variant ?? 'imagenet';
  const widths = options.widths ?? ALEXNET_WIDTHS;
  if (widths.length !== 5) throw new Error('AlexNet: widths needs 5 entries (conv1..conv5)');
  const init = seedSource(options.seed);
  const imagenet = variant === 'imagenet';
  const pool = (x: tf.SymbolicTensor, name: string) =>
    tf.layers
      .maxPooling2d({ poolSize: 3, strides: 2, padding: imagenet ? 'valid' : 'same', name })
      .apply(x) as tf.SymbolicTensor;
  const conv = (x: tf.SymbolicTensor, i: number, kernelSize: number, strides = 1) =>
    convBnRelu(
      x,
      { filters: widths[i - 1], kernelSize, strides, padding: 'same', useBias: true },
      `conv${i}`,
      init,
    );

  const input = imageInput(options.inputChannels);
  let x: tf.SymbolicTensor;
  if (imagenet) {
    // PyTorch's symmetric padding 2 (tfjs 'same' would pad 11x11 stride 4 unevenly).
    const padded = tf.layers
      .zeroPadding2d({ padding: 2, name: 'conv1_pad' })
      .apply(input) as tf.SymbolicTensor;
    x = convBnRelu(
      padded,
      { filters: widths[0], kernelSize: 11, strides: 4, padding: 'valid', useBias: true },
      'conv1',
      init,
    );
  } else {
    x = conv(input, 1, 5);
  }
  x = named(pool(x, 'pool1'), 'block1');
  x = named(pool(conv(x, 2, 5), 'pool2'), 'block2');
  x = named(conv(x, 3, 3), 'block3');
  x = named(conv(x, 4, 3), 'block4');
  x = named(conv(x, 5, 3), 'block5');
  return tf.model({
    inputs: input,
    outputs: poolAndHead(x, options.classes, init),
    name: 'alexnet',
  });
}
