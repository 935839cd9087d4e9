/**
 * SimCLR step throughput next to the rotation step's, on the same model, the same data
 * and the same number of network inputs per step (rotation: B/4 images x 4 rotations;
 * SimCLR: B/2 images x 2 views), each with its real batch construction (rotations vs
 * augmentations) timed inside the step, as in the training loop. The two steps are
 * interleaved so that load from other processes hits both alike.
 *
 *   node --import tsx bench/simclrThroughput.ts [config] [inputsPerStep] [alpha]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../sidecar/backend/chooseBackend';
import { parseConfigText, resolveConfig } from '../sidecar/config/resolveConfig';
import { buildModel } from '../sidecar/models/buildModel';
import { buildSimclrModel } from '../sidecar/methods/simclr/projectionHead';
import { makeAdam, simclrTrainStep } from '../sidecar/methods/simclr/simclrStep';
import { augmentOptions, trainViewBatch } from '../sidecar/methods/simclr/viewBatch';
import { modelSpecOf } from '../sidecar/models/modelSpec';
import { trainStep } from '../sidecar/methods/rotation/rotationStep';
import { rotationBatch } from '../sidecar/methods/rotation/rotationBatches';
import { loadPreparedData, prepareStage } from '../sidecar/train/stageData';
import { timeVariants, type StepTiming } from './measure';

export const SIMCLR_BENCH_CONFIG = 'examples/small/fashion-simclr.scalenet.json';

export interface StepThroughput {
  /** Source images per step (rotation: inputs / 4, SimCLR: inputs / 2). */
  images: number;
  inputsPerSecond: number;
  imagesPerSecond: number;
  timing: StepTiming;
}

export interface SimclrThroughputResult {
  config: string;
  inputSize: number;
  inputsPerStep: number;
  rotation: StepThroughput;
  simclr: StepThroughput;
  /** SimCLR inputs/s over rotation inputs/s (1 = as fast per network input). */
  ratio: number;
}

export interface SimclrThroughputOptions {
  config?: string;
  /** Network inputs per step; a multiple of 4. */
  inputsPerStep?: number;
  /** Scale of the images (0.5: multi-scale SimCLR's first stage). */
  alpha?: number;
  warmup?: number;
  steps?: number;
}

export async function measureSimclrThroughput(
  options: SimclrThroughputOptions = {},
): Promise<SimclrThroughputResult> {
  const { inputsPerStep = 128, alpha = 1, warmup = 3, steps = 10 } = options;
  const file = resolve(options.config ?? SIMCLR_BENCH_CONFIG);
  const config = resolveConfig(parseConfigText(readFileSync(file, 'utf8'), file), file);
  const data = await loadPreparedData(config);
  const images = prepareStage(data, alpha);
  const build = () =>
    buildModel(modelSpecOf(config.model), {
      inputChannels: config.data.channels,
      classes: 4,
      seed: config.seed,
    });
  // Two models with the same trunk weights: the step being timed is all that differs.
  const rotationModel = build();
  const simclrModel = buildSimclrModel(build(), {
    hidden: config.simclr.projectionHidden,
    out: config.simclr.projectionDim,
    seed: config.seed,
  });
  const sgd = tf.train.momentum(0.01, config.pretext.momentum);
  const adam = makeAdam(1e-3);
  const views = augmentOptions(config, images.size);
  const positions = (i: number, n: number) =>
    Int32Array.from({ length: n }, (_, k) => (i * n + k) % images.trainCount);
  let mode: 'rotation' | 'simclr' = 'rotation';
  const [rotation, simclr] = timeVariants(
    (i) => {
      if (mode === 'rotation') {
        const batch = rotationBatch(images, positions(i, inputsPerStep / 4), 0);
        trainStep(rotationModel, sgd, batch, config.pretext.weightDecay);
      } else {
        const batch = trainViewBatch(images, views, 0, positions(i, inputsPerStep / 2), 0);
        simclrTrainStep(simclrModel, adam, batch, config.simclr.temperature, 1e-6);
      }
    },
    [() => (mode = 'rotation'), () => (mode = 'simclr')],
    warmup,
    steps,
  );
  for (const owner of [rotationModel, simclrModel, sgd, adam]) owner.dispose();
  const of = (timing: StepTiming, perImage: number): StepThroughput => ({
    images: inputsPerStep / perImage,
    inputsPerSecond: inputsPerStep / timing.medianSeconds,
    imagesPerSecond: inputsPerStep / perImage / timing.medianSeconds,
    timing,
  });
  const result = {
    config: options.config ?? SIMCLR_BENCH_CONFIG,
    inputSize: images.size,
    inputsPerStep,
    rotation: of(rotation, 4),
    simclr: of(simclr, 2),
  };
  return { ...result, ratio: result.simclr.inputsPerSecond / result.rotation.inputsPerSecond };
}

if (process.argv[1]?.endsWith('simclrThroughput.ts')) {
  void (async () => {
    const backend = await chooseBackend('auto', {});
    const result = await measureSimclrThroughput({
      config: process.argv[2],
      inputsPerStep: process.argv[3] ? Number(process.argv[3]) : undefined,
      alpha: process.argv[4] ? Number(process.argv[4]) : undefined,
    });
    const line = (name: string, s: StepThroughput) =>
      `${name.padEnd(9)} ${s.inputsPerSecond.toFixed(1).padStart(7)} inputs/s ` +
      `${s.imagesPerSecond.toFixed(1).padStart(7)} images/s  median step ${(s.timing.medianSeconds * 1000).toFixed(0)} ms`;
    console.log(`backend: ${backend.name}`);
    console.log(`${result.config} at ${result.inputSize}px, ${result.inputsPerStep} inputs/step`);
    console.log(line('rotation', result.rotation));
    console.log(line('simclr', result.simclr));
    console.log(`SimCLR / rotation, per network input: ${result.ratio.toFixed(2)}`);
  })();
}
