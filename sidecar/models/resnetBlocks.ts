/**
 * The residual blocks and stems of the ResNet family (He et al. 2016, torchvision's
 * layout): the basic block of ResNet-18/34, the bottleneck of ResNet-50 (expansion 4,
 * stride on the 3x3 conv as torchvision's "v1.5") and the two stems. Layer names follow
 * `{block}_{a|b|c|proj}_{conv|bn}`, `{block}_add`, `{block}_out`.
 */
import * as tf from '@tensorflow/tfjs';
import { convBn, relu, type SeedSource } from './layers';

export type BlockKind = 'basic' | 'bottleneck';
/** `cifar`: 3x3 conv stride 1, no max-pool. `imagenet`: 7x7 conv stride 2 + 3x3 max-pool stride 2. */
export type StemKind = 'cifar' | 'imagenet';

/** Output channels of a stage whose blocks have `width` channels inside. */
export function blockOutputChannels(kind: BlockKind, width: number): number {
  return kind === 'bottleneck' ? 4 * width : width;
}

function residual(
  x: tf.SymbolicTensor,
  y: tf.SymbolicTensor,
  outChannels: number,
  strides: number,
  name: string,
  init: SeedSource,
): tf.SymbolicTensor {
  const inChannels = x.shape[x.shape.length - 1];
  const shortcut =
    strides !== 1 || inChannels !== outChannels
      ? convBn(x, { filters: outChannels, kernelSize: 1, strides }, `${name}_proj`, init)
      : x;
  const sum = tf.layers.add({ name: `${name}_add` }).apply([y, shortcut]) as tf.SymbolicTensor;
  return relu(sum, `${name}_out`);
}

export function basicBlock(
  x: tf.SymbolicTensor,
  width: number,
  strides: number,
  name: string,
  init: SeedSource,
): tf.SymbolicTensor {
  let y = convBn(x, { filters: width, kernelSize: 3, strides }, `${name}_a`, init);
  y = relu(y, `${name}_a_relu`);
  y = convBn(y, { filters: width, kernelSize: 3 }, `${name}_b`, init);
  return residual(x, y, width, strides, name, init);
}

export function bottleneckBlock(
  x: tf.SymbolicTensor,
  width: number,
  strides: number,
  name: string,
  init: SeedSource,
): tf.SymbolicTensor {
  const out = blockOutputChannels('bottleneck', width);
  let y = relu(convBn(x, { filters: width, kernelSize: 1 }, `${name}_a`, init), `${name}_a_relu`);
  y = convBn(y, { filters: width, kernelSize: 3, strides }, `${name}_b`, init);
  y = relu(y, `${name}_b_relu`);
  y = convBn(y, { filters: out, kernelSize: 1 }, `${name}_c`, init);
  return residual(x, y, out, strides, name, init);
}

export function stem(
  x: tf.SymbolicTensor,
  kind: StemKind,
  width: number,
  init: SeedSource,
): tf.SymbolicTensor {
  if (kind === 'cifar') {
    return relu(convBn(x, { filters: width, kernelSize: 3 }, 'stem', init), 'stem_relu');
  }
  // 'same' padding gives torchvision's sizes (ceil(n/2)) for both layers; max-pool's
  // padding never wins a max, as PyTorch's -inf padding.
  const y = relu(
    convBn(x, { filters: width, kernelSize: 7, strides: 2 }, 'stem', init),
    'stem_relu',
  );
  return tf.layers
    .maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'stem_pool' })
    .apply(y) as tf.SymbolicTensor;
}
