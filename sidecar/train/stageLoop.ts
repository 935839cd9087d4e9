/**
 * The stage / epoch / step loop every pretext method shares (rotation: RotNet and
 * ScaleNet; contrastive: SimCLR and multi-scale SimCLR). Every stage trains the same
 * fully convolutional network at its own input size, starting from the previous
 * stage's weights with a fresh optimiser and the stage's learning rate.
 *
 * Resumable at batch granularity: the data order of (stage, epoch) is a pure function
 * of the seed, so a checkpoint that records (stage, epoch, step) plus the model and
 * optimiser weights continues exactly where the run stopped. What differs between
 * methods (the batch, the loss, the optimiser, the held-out measure) is a `PretextTask`.
 */
import type * as tf from '@tensorflow/tfjs';
import type { RunProgressParams, ScaleNetConfig } from '../protocol';
import type { OptimizerWeights } from '../runs/checkpoint';
import type { MetricsLog } from '../runs/runStore';
import { disposeOptimizer } from '../util/disposeOptimizer';
import { createRng, deriveSeed, shuffle } from '../util/random';
import { learningRateAt } from '../util/schedule';
import type { PreparedData } from './stageData';

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

/** One optimisation step's outcome, in network inputs (`count`) and hits among them. */
export interface TaskStepResult {
  loss: number;
  correct: number;
  count: number;
}

/** A method's work at one scale. */
export interface StageTask {
  /** Input side length at this stage. */
  size: number;
  /** Training images to shuffle over (positions into the stage's subset). */
  trainCount: number;
  /** Builds the batch of the chosen positions and runs one optimisation step on it. */
  step(optimizer: tf.Optimizer, positions: Int32Array, epoch: number): TaskStepResult;
  /** The pretext accuracy on held-out images after an epoch, inference mode. */
  heldOutAccuracy(): number;
}

export interface PretextTask<O extends tf.Optimizer> {
  prepare(stage: number, alpha: number): StageTask;
  makeOptimizer(lr: number): O;
  setLearningRate(optimizer: O, lr: number): void;
}

/** Seconds left, assuming a step's cost grows with the pixel count. */
function etaSeconds(
  data: PreparedData,
  at: TrainerState,
  secondsPerStep: number,
  currentSize: number,
): number {
  let steps = 0;
  const { scales, epochs } = data.config.pretext;
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
  size: number,
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
    inputSize: size,
    epoch: state.epoch + 1,
    epochs: epochs[state.stage],
    step: data.stepsPerEpoch,
    stepsPerEpoch: data.stepsPerEpoch,
    loss: tally.lossSum / Math.max(1, tally.seen),
    accuracy: tally.correct / Math.max(1, tally.seen),
    lr,
  };
}

export async function runStageLoop<O extends tf.Optimizer>(
  run: PretextRun,
  task: PretextTask<O>,
): Promise<PretextResult> {
  const { config, data, signal } = run;
  const { scales, epochs, lr, batchSize, milestones, gamma } = config.pretext;
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
    const stageTask = task.prepare(stage, scales[stage]);
    const optimizer = task.makeOptimizer(learningRateAt(lr[stage], state.epoch, milestones, gamma));
    if (run.resume?.optimizerWeights && run.resume.state.stage === stage) {
      await optimizer.setWeights(run.resume.optimizerWeights);
    }
    for (; state.epoch < epochs[stage]; state.epoch++, state.step = 0) {
      const epochLr = learningRateAt(lr[stage], state.epoch, milestones, gamma);
      task.setLearningRate(optimizer, epochLr);
      const order = shuffle(
        createRng(deriveSeed(config.seed, stage, state.epoch)),
        Int32Array.from({ length: stageTask.trainCount }, (_, i) => i),
      );
      const tally = { lossSum: 0, correct: 0, seen: 0 };
      const epochStart = Date.now();
      const firstStep = state.step;
      for (; state.step < data.stepsPerEpoch; state.step++) {
        if (signal.aborted) {
          state.elapsedSeconds = elapsed();
          await run.checkpoint(state, optimizer, 'latest');
          disposeOptimizer(optimizer);
          return { status: 'stopped', metrics: state.metrics };
        }
        const positions = order.subarray(state.step * batchSize, (state.step + 1) * batchSize);
        const result = stageTask.step(optimizer, positions, state.epoch);
        tally.lossSum += result.loss * result.count;
        tally.correct += result.correct;
        tally.seen += result.count;
        const secondsPerStep = (Date.now() - epochStart) / 1000 / (state.step + 1 - firstStep);
        run.report({
          ...progressOf(state, stageTask.size, data, tally, epochLr),
          step: state.step + 1,
          imagesPerSecond: result.count / secondsPerStep,
          etaSeconds: etaSeconds(
            data,
            { ...state, step: state.step + 1 },
            secondsPerStep,
            stageTask.size,
          ),
        });
        // Yield to the event loop so that run/stop and shutdown requests get through.
        await new Promise((resolve) => setImmediate(resolve));
      }
      const validationAccuracy = stageTask.heldOutAccuracy();
      const prefix = `stage${stage + 1}`;
      // A stop during the monitor skips its metrics; the epoch still ends normally and the
      // next step's check writes the checkpoint, so a stop never loses the epoch.
      const monitored =
        run.afterEpoch && !signal.aborted
          ? await run.afterEpoch(scales[stage]).catch((error: unknown) => {
              if (signal.aborted) return {};
              throw error;
            })
          : {};
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
        ...progressOf(state, stageTask.size, data, tally, epochLr),
        imagesPerSecond: tally.seen / Math.max(1e-9, (Date.now() - epochStart) / 1000),
        etaSeconds: 0,
        validationAccuracy,
        epochMetrics,
      });
    }
    disposeOptimizer(optimizer);
  }
  return { status: 'completed', metrics: state.metrics };
}
