/**
 * `data/inspect`: what a config's data is before any training: sizes, classes and their
 * counts, what the subset selects, the input size at each scale, and a few samples.
 */
import { loadConfigFileAsync } from '../config/loadConfigFile';
import { basename } from 'node:path';
import { DataError, type ImageDataset } from '../data/dataset';
import { EMBEDDED_NAME } from '../data/embedded';
import { classCounts } from '../data/subset';
import type { DataInspectParams, DataInspectResult, DataSample, SplitSummary } from '../protocol';
import { scaledSize } from '../transforms/resize';
import { countParam } from './errors';
import { encodePngBase64 } from './png';
import { loadSplit, pretextIndices, rasterAt, type SourceConfig } from './source';

const MAX_SAMPLES = 64;

function summary(ds: ImageDataset, indices?: ArrayLike<number>): number[] {
  const counts = classCounts(ds.labels, indices);
  // Classes with no image at all still get their zero.
  while (counts.length < ds.classNames.length) counts.push(0);
  return counts;
}

/** Up to n indices of `pool`, one class after another, so the samples show every class. */
export function spreadOverClasses(labels: Int32Array, pool: Int32Array, n: number): number[] {
  const byClass = new Map<number, number[]>();
  for (const index of pool) {
    const list = byClass.get(labels[index]) ?? [];
    list.push(index);
    byClass.set(labels[index], list);
  }
  const queues = [...byClass.entries()].sort((a, b) => a[0] - b[0]).map(([, list]) => list);
  const chosen: number[] = [];
  for (let round = 0; chosen.length < n && chosen.length < pool.length; round++) {
    for (const queue of queues) {
      if (round < queue.length && chosen.length < n) chosen.push(queue[round]);
    }
  }
  return chosen;
}

async function loadTest(
  source: SourceConfig,
): Promise<{ test?: ImageDataset; problem?: DataInspectResult['testProblem'] }> {
  try {
    return { test: await loadSplit(source.config, 'test') };
  } catch (error) {
    // A folder without test/ still has training images worth looking at.
    if (!(error instanceof DataError)) throw error;
    return {
      problem: { file: error.file, offset: error.offset, fix: error.fix, message: error.message },
    };
  }
}

export async function dataInspect(params: DataInspectParams): Promise<DataInspectResult> {
  const source = {
    config: await loadConfigFileAsync(params.configPath, params.config),
    file: params.configPath,
  };
  const { data, pretext } = source.config;
  const train = await loadSplit(source.config, 'train');
  const { test, problem } = await loadTest(source);
  const subset = pretextIndices(train, source);
  const sampleCount = countParam(params.samples, 8, MAX_SAMPLES, 'samples');
  const samples = spreadOverClasses(train.labels, subset, sampleCount).map((index): DataSample => ({
    split: 'train',
    index,
    label: train.labels[index],
    className: train.classNames[train.labels[index]],
    png: encodePngBase64(rasterAt(train, index)),
  }));
  const split = (ds: ImageDataset): SplitSummary => ({ count: ds.count, classCounts: summary(ds) });
  return {
    dataset: data.dataset,
    name: data.dataset === 'embedded' ? EMBEDDED_NAME : basename(data.path ?? ''),
    path: data.path,
    height: train.height,
    width: train.width,
    channels: train.channels,
    classNames: train.classNames,
    train: split(train),
    test: test ? split(test) : undefined,
    testProblem: problem,
    subset: {
      selection:
        data.perClass !== undefined ? 'perClass' : data.limit !== undefined ? 'limit' : 'all',
      pretext: subset.length,
      pretextClassCounts: summary(train, subset),
      heldOut: test ? Math.min(pretext.heldOut, test.count) : 0,
    },
    inputMode: data.inputMode,
    scales: pretext.scales.map((scale) => ({ scale, size: scaledSize(train.height, scale) })),
    samples,
  };
}
