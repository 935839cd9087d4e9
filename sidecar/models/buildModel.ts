/**
 * One entry point from a model spec to a tf.LayersModel, plus the questions every
 * consumer asks of a built model: which named stage/block outputs it has, how many
 * parameters it has (counted as PyTorch's `parameters()`), and a model that returns
 * the named outputs (for probes and Grad-CAM).
 */
import * as tf from '@tensorflow/tfjs';
import { ALEXNET_MIN_SIZE, buildAlexNet, type AlexNetVariant } from './alexnet';
import { buildNin } from './nin';
import { buildResNet, type BlockKind, type StemKind } from './resnet';
import { buildStandardResNet } from './resnetPresets';

export type ModelSpec =
  /** The small configurable ResNet (CIFAR stem and basic blocks unless said otherwise). */
  | {
      arch: 'resnet';
      blocks: number[];
      widths: number[];
      stem?: StemKind;
      block?: BlockKind;
    }
  | { arch: 'resnet18' | 'resnet34' | 'resnet50'; stem?: StemKind; width?: number }
  | { arch: 'alexnet'; variant?: AlexNetVariant; widths?: number[] }
  | { arch: 'nin'; blocks?: number; width?: number };

export type Arch = ModelSpec['arch'];

export interface BuildOptions {
  inputChannels: number;
  /** Outputs of the `head` (4 for the rotation task). */
  classes: number;
  seed: number;
}

export function buildModel(spec: ModelSpec, options: BuildOptions): tf.LayersModel {
  switch (spec.arch) {
    case 'resnet':
      return buildResNet({ ...options, ...spec });
    case 'resnet18':
      return buildStandardResNet(18, { ...options, stem: spec.stem, width: spec.width });
    case 'resnet34':
      return buildStandardResNet(34, { ...options, stem: spec.stem, width: spec.width });
    case 'resnet50':
      return buildStandardResNet(50, { ...options, stem: spec.stem, width: spec.width });
    case 'alexnet':
      return buildAlexNet({ ...options, variant: spec.variant, widths: spec.widths });
    case 'nin':
      return buildNin({ ...options, blocks: spec.blocks, width: spec.width });
  }
}

/** The ImageNet stem (7x7 stride 2 + stride-2 max-pool) downsamples by 4, CIFAR's not. */
const stemStride = (stem: StemKind | undefined) => (stem === 'imagenet' ? 4 : 1);

/**
 * The smallest input side length the spec's network accepts with image content left in
 * its deepest stage: its total downsampling (smaller inputs are padding by then, though
 * tfjs would run them), and for ImageNet's AlexNet the size its unpadded layers need.
 */
export function minInputSize(spec: ModelSpec): number {
  switch (spec.arch) {
    case 'resnet':
      return stemStride(spec.stem) * 2 ** Math.max(0, spec.blocks.length - 1);
    case 'resnet18':
    case 'resnet34':
    case 'resnet50':
      return stemStride(spec.stem) * 8;
    case 'alexnet': {
      const variant = spec.variant ?? 'imagenet';
      // The CIFAR variant's three padded stride-2 pools.
      return variant === 'cifar' ? Math.max(8, ALEXNET_MIN_SIZE.cifar) : ALEXNET_MIN_SIZE[variant];
    }
    case 'nin':
      // Stride-2 pools after blocks 1 and 2, and 3 when there are more than three.
      return (spec.blocks ?? 4) > 3 ? 8 : 4;
  }
}

const NAMED_OUTPUT = /^(stage|block)(\d+)$/;

/** `stage1..stageN` or `block1..blockN`, in network order. */
export function namedOutputs(model: tf.LayersModel): string[] {
  return model.layers.map((l) => l.name).filter((name) => NAMED_OUTPUT.test(name));
}

/**
 * A model sharing `model`'s layers (and weights) whose outputs are the named layers'
 * outputs. Never dispose it: that would dispose the shared layers' weights.
 */
export function outputsModel(model: tf.LayersModel, names: string[]): tf.LayersModel {
  const outputs = names.map((name) => model.getLayer(name).output as tf.SymbolicTensor);
  return tf.model({ inputs: model.inputs, outputs, name: `${model.name}_outputs` });
}

/**
 * Parameters as PyTorch's `sum(p.numel() for p in model.parameters())` counts them:
 * every weight except BatchNorm's moving mean and variance, which tfjs keeps as
 * (non-trainable) weights and PyTorch as buffers. Frozen layers still count.
 */
export function countParameters(model: tf.LayersModel): number {
  let total = 0;
  for (const w of model.weights) {
    if (/moving_(mean|variance)$/.test(w.originalName)) continue;
    total += w.shape.reduce((a: number, b) => a * (b ?? 1), 1);
  }
  return total;
}
