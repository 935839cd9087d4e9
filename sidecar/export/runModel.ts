/**
 * A run's pretext network for the `model/*` requests: the checkpoint's model and the
 * standardisation the downstream evaluations feed it (per-channel stats of the pretext
 * subset at full size, as train/evaluation.ts computes them), so features exported here
 * are the features kNN and the linear probes measured.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { DataError } from '../data/errors';
import { checkpointDirOf, readRunConfigAbsolute } from '../gradcam/runContext';
import { labelledTrainIndices } from '../gradcam/labelledSplits';
import { loadCheckpoint } from '../runs/checkpoint';
import type { ScaleNetConfig } from '../protocol';
import type { ImageDataset } from '../data/dataset';
import { computeChannelStats, type ChannelStats } from '../transforms/standardize';

export interface PretextNetwork {
  config: ScaleNetConfig;
  checkpointDir: string;
  model: tf.LayersModel;
}

export async function loadPretext(runDir: string, checkpoint?: string): Promise<PretextNetwork> {
  const config = await readRunConfigAbsolute(runDir);
  const checkpointDir = await checkpointDirOf(runDir, checkpoint);
  const loaded = await loadCheckpoint(checkpointDir).catch((error: Error) => {
    throw new DataError(
      checkpointDir,
      `cannot be loaded (${error.message})`,
      'Name a checkpoint folder of the run (stage1, latest, ...)',
    );
  });
  loaded.optimizerWeights?.forEach((w) => w.tensor.dispose());
  return { config, checkpointDir, model: loaded.model };
}

/** What evaluationSets() standardises with: the pretext subset's stats at full size. */
export async function evaluationStats(
  runDir: string,
  config: ScaleNetConfig,
  train: ImageDataset,
): Promise<ChannelStats> {
  return computeChannelStats(train, await labelledTrainIndices(runDir, config, train));
}

/** The folder of an output file, created; a clear error when it cannot be. */
export function ensureParent(file: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (error) {
    throw new DataError(
      dirname(file),
      `cannot be created (${(error as Error).message})`,
      'Choose an output path in a writable folder',
    );
  }
}
