/**
 * What the pretext features are worth, measured on original images with labels: the
 * online kNN monitor after every pretext epoch, then fine-tuning and linear probes per
 * label budget after the last stage. Metric names: `knn/accuracy`,
 * `finetune@<labels>/accuracy`, `linear@<labels>/<block>/accuracy`.
 */
import type * as tf from '@tensorflow/tfjs';
import { labelBudgets } from '../data/budgets';
import type { ImageDataset } from '../data/dataset';
import { selectSubset } from '../data/subset';
import { finetune } from '../eval/finetune';
import { knnMonitor } from '../eval/knn';
import { linearProbe } from '../eval/linearProbe';
import type { EvalProgress, InputPrep, LabelledImages, SgdSchedule } from '../eval/types';
import type { KeptClassifier } from '../runs/classifierStore';
import { buildModel } from '../models/buildModel';
import type { DownstreamSchedule, EvaluationTaskProgress, ScaleNetConfig } from '../protocol';
import { computeChannelStats, type ChannelStats } from '../transforms/standardize';
import { deriveSeed } from '../util/random';
import { modelSpecOf } from '../models/modelSpec';
import type { PreparedData } from '../train/stageData';

export interface EvaluationSets {
  /** Labelled training images for the kNN memory bank. */
  bank: LabelledImages;
  /** The test images every downstream accuracy is measured on. */
  test: LabelledImages;
  /** Original training images at full scale, as the downstream task sees them. */
  stats: ChannelStats;
}

/** The images at `indices` of a dataset, copied into a set of their own. */
function pick(ds: ImageDataset, indices: Int32Array): LabelledImages {
  const size = ds.height * ds.width * ds.channels;
  const images = new Uint8Array(indices.length * size);
  indices.forEach((index, i) =>
    images.set(ds.images.subarray(index * size, (index + 1) * size), i * size),
  );
  return {
    ...ds,
    images,
    labels: Int32Array.from(indices, (i) => ds.labels[i]),
    count: indices.length,
  };
}

export function evaluationSets(data: PreparedData): EvaluationSets {
  const { config, train, test } = data;
  const { seed, evaluation } = config;
  const limit = (n: number, count: number) => (n >= count ? undefined : n);
  const bankIndices = selectSubset(train.labels, {
    limit: limit(evaluation.knn.bankImages, train.count),
    seed: deriveSeed(seed, 2),
  });
  const testIndices = selectSubset(test.labels, {
    limit: limit(evaluation.testImages, test.count),
    seed: deriveSeed(seed, 3),
  });
  return {
    bank: pick(train, bankIndices),
    test: pick(test, testIndices),
    stats: computeChannelStats(train, data.trainIndices),
  };
}

export async function knnAccuracyAt(
  model: tf.LayersModel,
  sets: EvaluationSets,
  config: ScaleNetConfig,
  alpha: number,
  signal: AbortSignal,
): Promise<number> {
  const { k, temperature } = config.evaluation.knn;
  return knnMonitor(
    model,
    sets.bank,
    sets.test,
    { stats: sets.stats, alpha },
    { k, temperature, signal },
  );
}

/** A linear probe extracts features (most of its time), trains, then tests. */
const LINEAR_PHASES: Record<EvalProgress['phase'], [number, number]> = {
  features: [0, 0.7],
  train: [0.7, 0.95],
  test: [0.95, 1],
};

function linearFraction(p: EvalProgress): number {
  const [from, to] = LINEAR_PHASES[p.phase];
  return from + (to - from) * (p.total > 0 ? p.done / p.total : 0);
}

function schedule(s: DownstreamSchedule): SgdSchedule {
  return { ...s, nesterov: false };
}

export interface DownstreamHooks {
  signal: AbortSignal;
  /** What is being measured now, e.g. "fine-tune, 400 labels: epoch 3/10", and which
   * task of how many, how far into it. */
  onStatus: (message: string, task: EvaluationTaskProgress) => void;
  onMetrics: (values: Record<string, number>) => void;
  /** Given each fine-tuned network to keep (e.g. save); it is disposed after. */
  keepClassifier?: (kept: KeptClassifier) => Promise<unknown>;
}

/** Fine-tune and linear-probe the pretext model for every label budget in the config. */
export async function evaluateDownstream(
  model: tf.LayersModel,
  data: PreparedData,
  sets: EvaluationSets,
  hooks: DownstreamHooks,
): Promise<Record<string, number>> {
  const { config, train } = data;
  const { finetune: ft, linear } = config.evaluation;
  const prep: InputPrep = { stats: sets.stats };
  const classes = train.classNames.length;
  const results: Record<string, number> = {};
  const record = (values: Record<string, number>) => {
    Object.assign(results, values);
    hooks.onMetrics(values);
  };
  // Budgets beyond the data are clamped (budgets.ts notes it) and named by what is used.
  const finetuneBudgets = labelBudgets(ft.labels, train.count);
  const linearBudgets = labelBudgets(linear.labels, train.count);
  const count = finetuneBudgets.length + linearBudgets.length;
  let index = 0;
  const task = (name: string, fraction: number): EvaluationTaskProgress => ({
    index,
    count,
    name,
    fraction: Math.min(1, Math.max(0, fraction)),
  });
  for (const labels of finetuneBudgets) {
    const what = `fine-tune, ${labels} labels`;
    hooks.onStatus(`${what}: starting`, task(what, 0));
    const result = await finetune(model, train, sets.test, prep, {
      build: (n) =>
        buildModel(modelSpecOf(config.model), {
          inputChannels: config.data.channels,
          classes: n,
          seed: config.seed,
        }),
      classes,
      schedule: schedule(ft),
      labelBudget: labels,
      seed: config.seed,
      augment: ft.augment,
      signal: hooks.signal,
      testEvery: ft.epochs,
      onProgress: (p: EvalProgress) => {
        if (p.phase === 'train' && p.epoch !== undefined && p.total > 0) {
          const fraction = (p.epoch + p.done / p.total) / ft.epochs;
          hooks.onStatus(`${what}: epoch ${p.epoch + 1}/${ft.epochs}`, task(what, fraction));
        }
      },
      keepModel: hooks.keepClassifier !== undefined,
      onEpoch: (e) =>
        hooks.onStatus(
          `${what}: epoch ${e.epoch + 1}/${ft.epochs}, loss ${e.loss.toFixed(3)}`,
          task(what, (e.epoch + 1) / ft.epochs),
        ),
    });
    if (result.model) {
      try {
        await hooks.keepClassifier?.({
          labels,
          model: result.model,
          classNames: train.classNames,
          stats: sets.stats,
          inputSize: train.height,
          channels: train.channels,
          testAccuracy: result.testAccuracy,
          trainIndices: result.trainIndices,
        });
      } finally {
        result.model.dispose();
      }
    }
    record({ [`finetune@${labels}/accuracy`]: result.testAccuracy });
    index++;
  }
  for (const labels of linearBudgets) {
    const what = `linear probe, ${labels} labels`;
    const trainIndices = selectSubset(train.labels, {
      limit: labels >= train.count ? undefined : labels,
      seed: deriveSeed(config.seed, 0x1abe1),
    });
    const result = await linearProbe(model, train, sets.test, prep, {
      schedule: schedule(linear),
      seed: config.seed,
      classes,
      layers: linear.blocks.length > 0 ? linear.blocks : undefined,
      trainIndices,
      signal: hooks.signal,
      onProgress: (p: EvalProgress) =>
        hooks.onStatus(
          `${what}: ${p.block ?? ''} ${p.phase} ${p.done}/${p.total}`,
          task(what, linearFraction(p)),
        ),
    });
    index++;
    record(
      Object.fromEntries(
        Object.entries(result.accuracy).map(([block, acc]) => [
          `linear@${labels}/${block}/accuracy`,
          acc,
        ]),
      ),
    );
  }
  return results;
}
