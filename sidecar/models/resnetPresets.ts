/**
 * The standard ResNet depths (torchvision's layouts) on top of buildResNet. `width`
 * scales every stage (64 is the reference; 16 or 32 give laptop-sized nets with the
 * same depth and layer names).
 */
import type * as tf from '@tensorflow/tfjs';
import { buildResNet, type BlockKind, type StemKind } from './resnet';

export type ResNetDepth = 18 | 34 | 50;

export const RESNET_LAYOUTS: Record<ResNetDepth, { blocks: number[]; block: BlockKind }> = {
  18: { blocks: [2, 2, 2, 2], block: 'basic' },
  34: { blocks: [3, 4, 6, 3], block: 'basic' },
  50: { blocks: [3, 4, 6, 3], block: 'bottleneck' },
};

export interface StandardResNetOptions {
  inputChannels: number;
  classes: number;
  seed: number;
  /** 'cifar' (3x3 stride 1, no max-pool; the usual choice for 32x32) or 'imagenet'. */
  stem?: StemKind;
  /** Channels of the first stage; later stages double it. 64 by default. */
  width?: number;
}

export function buildStandardResNet(
  depth: ResNetDepth,
  options: StandardResNetOptions,
): tf.LayersModel {
  const layout = RESNET_LAYOUTS[depth];
  const width = options.width ?? 64;
  return buildResNet({
    inputChannels: options.inputChannels,
    classes: options.classes,
    seed: options.seed,
    stem: options.stem ?? 'cifar',
    block: layout.block,
    blocks: layout.blocks,
    widths: [width, 2 * width, 4 * width, 8 * width],
  });
}
