/**
 * The rotation pretext task along a chain of scales (RotNet is the chain [1], ScaleNet
 * e.g. [0.5, 1]). Every stage trains the same fully convolutional network at its own
 * input size, starting from the previous stage's weights with a fresh optimiser and
 * the stage's learning rate.
 *
 * Resumable at batch granularity: the data order of (stage, epoch) is a pure function
 * of the seed, so a checkpoint that records (stage, epoch, step) plus the model and
 * optimiser weights continues exactly where the run stopped.
 */
import * as tf from '@tensorflow/tfjs';
import type { RunProgressParams, ScaleNetConfig } from '../protocol';
import type { OptimizerWeights } from '../runs/checkpoint';
import type { MetricsLog } from '../runs/runStore';
import { createRng, deriveSeed, shuffle } from '../util/random';
import { learningRateAt } from './schedule';
import type { PreparedData, StageImages } from './stageData';
import { heldOutBatches, prepareStage, rotationBatch } from './stageData';
import { rotationAccuracy, trainStep } from './rotationStep';

export interface TrainerState {
  /** Where to continue: stage index, epochs finished in it, batches finished in that epoch. */
  stage: number;
  epoch: number;
  step: number;
  metrics: Record<string, number>;
  /** Seconds spent training before this process took over (for throughput and ETA). */
  elapsedSeconds: number;
}

export type ProgressReport = Omit<RunProgressParams, 'runId'>;

export interface PretextRun {
  config: ScaleNetConfig;
  data: PreparedData;
  model: tf.LayersModel;
  signal: AbortSignal;
  metrics: MetricsLog;
  report: (progress: ProgressReport) => void;
  /**
   * Saves model, optimiser (none at a stage's end: the next stage starts a fresh one)
   * and the state to continue from, under a label (`latest`, `stage1`...).
   */
  checkpoint: (
    state: TrainerState,
    optimizer: tf.Optimizer | undefined,
    label: string,
  ) => Promise<void>;
  resume?: { state: TrainerState; optimizerWeights?: OptimizerWeights };
  /** Extra metrics measured after every epoch (the kNN monitor), at the stage's scale. */
  afterEpoch?: (alpha: number) => Promise<Record<string, number>>;
}

export interface PretextResult {
  status: 'completed' | 'stopped';
  metrics: Record<string, number>;
}

function makeOptimizer(config: ScaleNetConfig, lr: number): tf.MomentumOptimizer {
  const { momentum, nesterov } = config.pretext;
  return tf.train.momentum(lr, momentum, nesterov);
}

/** Seconds per step at another input size, assuming cost grows with the pixel count. */
function etaSeconds(
  config: ScaleNetConfig,
  data: PreparedData,
  at: TrainerState,
  secondsPerStep: number,
  currentSize: number,
): number {
  let steps = 0;
  const { scales, epochs } = config.pretext;
  for (let s = at.stage; s < scales.length; s++) {
    const stepsPerEpoch = data.stepsPerEpoch;
    const ratio = (data.sizeAt(scales[s]) / currentSize) ** 2;
    const remaining =
      s === at.stage ? (epochs[s] - at.epoch) * stepsPerEpoch - at.step : epochs[s] * stepsPerEpoch;
    steps += remaining * ratio;
  }
  return Math.max(0, steps * secondsPerStep);
}

interface EpochTally {
  lossSum: number;
  correct: number;
  seen: number;
}

/** The fields every progress report of this stage and epoch shares (running means). */
function progressOf(
  state: TrainerState,
  images: StageImages,
  data: PreparedData,
  tally: EpochTally,
  lr: number,
): Omit<ProgressReport, 'imagesPerSecond' | 'etaSeconds'> {
  const { scales, epochs } = data.config.pretext;
  return {
    phase: 'pretext',
    stage: state.stage,
    stageCount: scales.length,
    scale: scales[state.stage],
    inputSize: images.size,
    epoch: state.epoch + 1,
    epochs: epochs[state.stage],
    step: data.stepsPerEpoch,
    stepsPerEpoch: data.stepsPerEpoch,
    loss: tally.lossSum / Math.max(1, tally.seen),
    accuracy: tally.correct / Math.max(1, tally.seen),
    lr,
  };
}

export async function trainPretext(run: PretextRun): Promise<PretextResult> {
  const { config, data, model, signal } = run;
  const { scales, epochs, lr, batchSize, milestones, gamma, weightDecay } = config.pretext;
  const state: TrainerState = run.resume?.state ?? {
    stage: 0,
    epoch: 0,
    step: 0,
    metrics: {},
    elapsedSeconds: 0,
  };
  const startedAt = Date.now() - state.elapsedSeconds * 1000;
  const elapsed = () => (Date.now() - startedAt) / 1000;

  for (; state.stage < scales.length; state.stage++, state.epoch = 0, state.step = 0) {
    const stage = state.stage;
    const images: StageImages = prepareStage(data, scales[stage]);
    const optimizer = makeOptimizer(
      config,
      learningRateAt(lr[stage], state.epoch, milestones, gamma),
    );
    if (run.resume?.optimizerWeights && run.resume.state.stage === stage) {
      await optimizer.setWeights(run.resume.optimizerWeights);
    }
    for (; state.epoch < epochs[stage]; state.epoch++, state.step = 0) {
      const epochLr = learningRateAt(lr[stage], state.epoch, milestones, gamma);
      optimizer.setLearningRate(epochLr);
      const order = shuffle(
        createRng(deriveSeed(config.seed, stage, state.epoch)),
        Int32Array.from({ length: images.trainCount }, (_, i) => i),
      );
      const tally = { lossSum: 0, correct: 0, seen: 0 };
      const epochStart = Date.now();
      const firstStep = state.step;
      for (; state.step < data.stepsPerEpoch; state.step++) {
        if (signal.aborted) {
          state.elapsedSeconds = elapsed();
          await run.checkpoint(state, optimizer, 'latest');
          optimizer.dispose();
          return { status: 'stopped', metrics: state.metrics };
        }
        const batchIndices = order.subarray(state.step * batchSize, (state.step + 1) * batchSize);
        const batch = rotationBatch(images, batchIndices, state.epoch);
        const result = trainStep(model, optimizer, batch, weightDecay);
        tally.lossSum += result.loss * batch.count;
        tally.correct += result.correct;
        tally.seen += batch.count;
        const secondsPerStep = (Date.now() - epochStart) / 1000 / (state.step + 1 - firstStep);
        run.report({
          ...progressOf(state, images, data, tally, epochLr),
          step: state.step + 1,
          imagesPerSecond: batch.count / secondsPerStep,
          etaSeconds: etaSeconds(
            config,
            data,
            { ...state, step: state.step + 1 },
            secondsPerStep,
            images.size,
          ),
        });
        // Yield to the event loop so that run/stop and shutdown requests get through.
        await new Promise((resolve) => setImmediate(resolve));
      }
      const validationAccuracy = rotationAccuracy(model, heldOutBatches(images));
      const prefix = `stage${stage + 1}`;
      const monitored = run.afterEpoch ? await run.afterEpoch(scales[stage]) : {};
      const epochMetrics: Record<string, number> = {
        ...monitored,
        'pretext/loss': tally.lossSum / Math.max(1, tally.seen),
        'pretext/train_accuracy': tally.correct / Math.max(1, tally.seen),
        'pretext/accuracy': validationAccuracy,
        lr: epochLr,
      };
      run.metrics.append(
        stage,
        state.epoch + 1,
        (state.epoch + 1) * data.stepsPerEpoch,
        epochMetrics,
      );
      state.metrics = {
        ...state.metrics,
        ...epochMetrics,
        [`${prefix}/loss`]: epochMetrics['pretext/loss'],
        [`${prefix}/accuracy`]: validationAccuracy,
      };
      const lastEpoch = state.epoch + 1 === epochs[stage];
      if (lastEpoch || (state.epoch + 1) % config.checkpointEvery === 0) {
        // Checkpoints record where to continue: the next epoch (or the next stage).
        const next: TrainerState = lastEpoch
          ? {
              stage: stage + 1,
              epoch: 0,
              step: 0,
              metrics: state.metrics,
              elapsedSeconds: elapsed(),
            }
          : { ...state, epoch: state.epoch + 1, step: 0, elapsedSeconds: elapsed() };
        await run.checkpoint(
          next,
          lastEpoch ? undefined : optimizer,
          lastEpoch ? `stage${stage + 1}` : 'latest',
        );
      }
      run.report({
        ...progressOf(state, images, data, tally, epochLr),
        imagesPerSecond: tally.seen / Math.max(1e-9, (Date.now() - epochStart) / 1000),
        etaSeconds: 0,
        validationAccuracy,
        epochMetrics,
      });
    }
    optimizer.dispose();
  }
  return { status: 'completed', metrics: state.metrics };
}
