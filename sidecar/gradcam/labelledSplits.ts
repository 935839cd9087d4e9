/**
 * The labelled images of a finished run, as its downstream evaluation saw them: the
 * `evaluation.data` set (its split from the run's evaluation-split.json) when the run had
 * one, else the run's own dataset. The `model/*` requests read splits and standardisation
 * through here, so predictions and features of a pool run are those of its labelled set.
 */
import type { ImageDataset } from '../data/dataset';
import { trainIndices } from './runContext';
import { loadSplit } from '../inspect/source';
import type { DatasetSplit, ScaleNetConfig } from '../protocol';
import { loadLabelledSet } from '../train/evaluationSource';

/** The side the pretext images had: imageSize for folders and pools, else the dataset's. */
async function pretextSize(config: ScaleNetConfig): Promise<{ height: number; width: number }> {
  if (config.data.dataset === 'folder' || config.data.dataset === 'pool') {
    const size = config.data.imageSize ?? 32;
    return { height: size, width: size };
  }
  return loadSplit(config, 'train');
}

export async function labelledSplit(
  runDir: string,
  config: ScaleNetConfig,
  split: DatasetSplit,
): Promise<ImageDataset> {
  const source = config.evaluation.data;
  if (!source) return loadSplit(config, split);
  const size = await pretextSize(config);
  const set = await loadLabelledSet(config, source, size, runDir, `${runDir}/config.json`);
  return split === 'test' ? set.test : set.train;
}

/** The training images the evaluation standardised with: all of a separate labelled set. */
export async function labelledTrainIndices(
  runDir: string,
  config: ScaleNetConfig,
  train: ImageDataset,
): Promise<ArrayLike<number>> {
  return config.evaluation.data
    ? Int32Array.from({ length: train.count }, (_, i) => i)
    : await trainIndices(runDir, config, train.labels);
}
