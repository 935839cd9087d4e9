/**
 * What Grad-CAM needs from a run folder: its config, a checkpoint's model, the scale
 * that checkpoint trained at, and the standardisation the trunk saw there (per-channel
 * stats of the training subset resized to that scale, as prepareStage computes them;
 * they are not stored in the run, so they are recomputed and cached per run and scale).
 */
import { readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { DataError, type ImageDataset } from '../data/dataset';
import { selectSubset } from '../data/subset';
import { loadSplit } from '../inspect/source';
import type { ScaleNetConfig } from '../protocol';
import { loadClassifier } from '../runs/classifierStore';
import { loadCheckpoint } from '../runs/checkpoint';
import { CHECKPOINTS_DIR, CONFIG_FILE } from '../runs/runStore';
import { scaledSize } from '../transforms/resize';
import { computeChannelStats, type ChannelStats } from '../transforms/standardize';
import { resizedSet } from './prepareImages';

export interface RunContext {
  runDir: string;
  config: ScaleNetConfig;
  checkpointDir: string;
  model: tf.LayersModel;
  scale: number;
  /** Side length of the network input at `scale`. */
  size: number;
  stats: ChannelStats;
}

/** Stats per `${runDir}@${scale}`: one dataset pass per run and scale, not per request. */
export type StatsCache = Map<string, ChannelStats>;

const STAGE_LABEL = /^stage(\d+)$/;

/** The checkpoint folder: the one named, else the highest `stageN`, else `latest`. */
export async function checkpointDirOf(runDir: string, checkpoint?: string): Promise<string> {
  if (checkpoint)
    return isAbsolute(checkpoint) ? checkpoint : join(runDir, CHECKPOINTS_DIR, checkpoint);
  const root = join(runDir, CHECKPOINTS_DIR);
  // Asynchronous reads throughout: the run folder is a client-given path.
  const names = await readdir(root).catch(() => [] as string[]);
  const stages = names
    .map((n) => STAGE_LABEL.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(b[1]) - Number(a[1]));
  if (stages.length > 0) return join(root, stages[0][0]);
  if (names.includes('latest')) return join(root, 'latest');
  throw new DataError(runDir, 'has no checkpoint yet', 'Train until the first epoch ends');
}

/** 0-based stage a checkpoint belongs to: `stageN` finished stage N; `latest` is mid-stage. */
function stageOf(dir: string, state: unknown, stageCount: number): number {
  const match = STAGE_LABEL.exec(dir.split(/[\\/]/).filter(Boolean).pop() ?? '');
  const raw = match
    ? Number(match[1]) - 1
    : typeof (state as { stage?: unknown })?.stage === 'number'
      ? (state as { stage: number }).stage
      : stageCount - 1;
  return Math.max(0, Math.min(stageCount - 1, raw));
}

/** The run's pretext subset (subset.json when the run wrote one). */
export async function trainIndices(
  runDir: string,
  config: ScaleNetConfig,
  labels: Int32Array,
): Promise<ArrayLike<number>> {
  const text = await readFile(join(runDir, 'subset.json'), 'utf8').catch(() => undefined);
  if (text !== undefined) {
    // Version 1 (data/subsetFile.ts) says `indices`; runs from before it said `train`.
    const stored = JSON.parse(text) as {
      indices?: number[];
      train?: number[];
    };
    const indices = stored.indices ?? stored.train;
    if (indices) return indices;
  }
  const { limit, perClass } = config.data;
  if (limit === undefined && perClass === undefined) {
    return Int32Array.from({ length: labels.length }, (_, i) => i);
  }
  return selectSubset(labels, { limit, perClass, seed: config.seed });
}

async function statsAt(
  run: { runDir: string; config: ScaleNetConfig },
  train: ImageDataset,
  size: number,
  cache: StatsCache,
): Promise<ChannelStats> {
  const key = `${run.runDir}@${size}`;
  let stats = cache.get(key);
  if (!stats) {
    const indices = await trainIndices(run.runDir, run.config, train.labels);
    stats = computeChannelStats(resizedSet(train, indices, size));
    cache.set(key, stats);
  }
  return stats;
}

export async function readRunConfigAbsolute(runDir: string): Promise<ScaleNetConfig> {
  let config: ScaleNetConfig;
  try {
    config = JSON.parse(await readFile(join(runDir, CONFIG_FILE), 'utf8')) as ScaleNetConfig;
  } catch (error) {
    throw new DataError(
      join(runDir, 'config.json'),
      `cannot be read (${(error as Error).message})`,
      'Give the folder of a run (it holds config.json)',
    );
  }
  if (config.data.path) config.data.path = resolve(runDir, config.data.path);
  return config;
}

export async function openRun(
  runDir: string,
  options: { checkpoint?: string; scale?: number },
  cache: StatsCache,
): Promise<RunContext> {
  const config = await readRunConfigAbsolute(runDir);
  const checkpointDir = await checkpointDirOf(runDir, options.checkpoint);
  const loaded = await loadCheckpoint(checkpointDir).catch((error: Error) => {
    throw new DataError(
      checkpointDir,
      `cannot be loaded (${error.message})`,
      'Name a checkpoint folder of the run (stage1, latest, ...)',
    );
  });
  try {
    const { scales } = config.pretext;
    const scale = options.scale ?? scales[stageOf(checkpointDir, loaded.state, scales.length)];
    // Folders are resized to imageSize on load; the others keep their own size.
    const train = await loadSplit(config, 'train');
    const size = scaledSize(train.height, scale);
    const stats = await statsAt({ runDir, config }, train, size, cache);
    loaded.optimizerWeights?.forEach((w) => w.tensor.dispose());
    return { runDir, config, checkpointDir, model: loaded.model, scale, size, stats };
  } catch (error) {
    loaded.model.dispose();
    loaded.optimizerWeights?.forEach((w) => w.tensor.dispose());
    throw error;
  }
}

/**
 * A kept fine-tuned classifier as a Grad-CAM context: full-size original images (the
 * downstream task never sees Harris inputs), the stats it was trained with, and the
 * labelled set's class names.
 */
export async function openClassifierRun(
  runDir: string,
  labels: number | undefined,
): Promise<RunContext & { classNames: string[]; labels: number }> {
  const config = await readRunConfigAbsolute(runDir);
  const { dir, info, model } = await loadClassifier(runDir, labels);
  return {
    runDir,
    config: { ...config, data: { ...config.data, inputMode: 'original' } },
    checkpointDir: dir,
    model,
    scale: 1,
    size: info.inputSize,
    stats: info.stats,
    classNames: info.classNames,
    labels: info.labels,
  };
}
