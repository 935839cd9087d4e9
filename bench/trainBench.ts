/**
 * Training throughput (network inputs per second) of the default example model with the
 * sidecar's real rotation pipeline, and of a CIFAR-style ResNet-18.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { parseConfigText, resolveConfig } from '../sidecar/config/resolveConfig';
import { buildResNet } from '../sidecar/models/resnet';
import { trainStep } from '../sidecar/methods/rotation/rotationStep';
import { rotationBatch } from '../sidecar/methods/rotation/rotationBatches';
import { loadPreparedData, prepareStage } from '../sidecar/train/stageData';
import { buildRotationBatch } from '../sidecar/transforms/rotationBatch';
import { computeChannelStats } from '../sidecar/transforms/standardize';
import type { ImageSet } from '../sidecar/transforms/types';
import { createRng } from '../sidecar/util/random';
import { accumulatedStep } from './accumulateStep';
import { peakRssMiB, timeVariants, wasmHeapMiB, type StepTiming } from './measure';

export interface TrainBenchResult {
  name: string;
  inputSize: number;
  /** Network inputs per optimiser step (images x 4 rotations). */
  batch: number;
  /** Inputs per forward/backward pass; < batch means gradient accumulation. */
  microBatch: number;
  imagesPerSecond: number;
  timing: StepTiming;
  peakRssMiB: number;
  wasmHeapMiB?: number;
}

export const DEFAULT_CONFIG = 'examples/fashion-mnist.scalenet.json';

/** Switches to one set of kernels; several are timed step by step in turn. */
export type Variant = () => void;

function finish(
  name: string,
  inputSize: number,
  batch: number,
  microBatch: number,
  timings: StepTiming[],
): TrainBenchResult[] {
  return timings.map((timing) => ({
    name,
    inputSize,
    batch,
    microBatch,
    imagesPerSecond: batch / timing.medianSeconds,
    timing,
    peakRssMiB: peakRssMiB(),
    wasmHeapMiB: wasmHeapMiB(),
  }));
}

/** The default config, its model and its data exactly as the sidecar trains them. */
export async function benchDefaultModel(
  warmup: number,
  steps: number,
  variants: Variant[],
): Promise<TrainBenchResult[]> {
  const file = resolve(DEFAULT_CONFIG);
  const config = resolveConfig(parseConfigText(readFileSync(file, 'utf8'), file), file);
  const data = await loadPreparedData(config);
  const images = prepareStage(data, config.pretext.scales[0]);
  const model = buildResNet({
    inputChannels: config.data.channels,
    blocks: config.model.blocks,
    widths: config.model.widths,
    classes: 4,
    seed: config.seed,
  });
  const { batchSize, momentum, nesterov, weightDecay } = config.pretext;
  const optimizer = tf.train.momentum(config.pretext.lr[0], momentum, nesterov);
  // Batch construction is timed with the step, as in the training loop.
  const timings = timeVariants(
    (i) => {
      const start = (i * batchSize) % (images.trainCount - batchSize);
      const positions = Int32Array.from({ length: batchSize }, (_, k) => start + k);
      trainStep(model, optimizer, rotationBatch(images, positions, i), weightDecay);
    },
    variants,
    warmup,
    steps,
  );
  model.dispose();
  optimizer.dispose();
  return finish(`default (${DEFAULT_CONFIG})`, images.size, batchSize * 4, batchSize * 4, timings);
}

/** Random RGB images standing in for CIFAR-10 at the benchmark's size. */
function syntheticImages(size: number, count: number, seed: number): ImageSet {
  const rng = createRng(seed);
  const images = new Uint8Array(count * size * size * 3);
  for (let i = 0; i < images.length; i++) images[i] = Math.floor(rng.next() * 256);
  return { name: `synthetic@${size}`, images, count, height: size, width: size, channels: 3 };
}

export interface ResNet18Options {
  size: number;
  /** Network inputs per step (a multiple of 4: all rotations of batch/4 images). */
  batch: number;
  microBatch: number;
  warmup: number;
  steps: number;
}

/** ResNet-18, CIFAR stem, SGD momentum 0.9, the rotation task's 4-way head and inputs. */
export function benchResNet18(o: ResNet18Options, variants: Variant[]): TrainBenchResult[] {
  const model = buildResNet({
    inputChannels: 3,
    blocks: [2, 2, 2, 2],
    widths: [64, 128, 256, 512],
    classes: 4,
    seed: 1,
  });
  const optimizer = tf.train.momentum(0.05, 0.9);
  const images = syntheticImages(o.size, o.batch / 4, 7);
  const stats = computeChannelStats(images);
  const positions = Int32Array.from({ length: o.batch / 4 }, (_, k) => k);
  const timings = timeVariants(
    () => {
      // The rotation task's own batch builder (four rotations per image, standardised).
      const built = buildRotationBatch(images, positions, o.size, 3, stats);
      const batch = { ...built, size: o.size, channels: 3 };
      const result = accumulatedStep(model, optimizer, batch, 5e-4, o.microBatch);
      if (!Number.isFinite(result.loss)) throw new Error(`ResNet-18 loss is ${result.loss}`);
    },
    variants,
    o.warmup,
    o.steps,
  );
  model.dispose();
  optimizer.dispose();
  return finish(`ResNet-18 ${o.size}x${o.size}`, o.size, o.batch, o.microBatch, timings);
}
