/**
 * The labelled set of the downstream evaluation when it is not the pretext source
 * (`evaluation.data`): loaded at the pretext's size and channels, split (its own
 * train/test, or a seeded stratified split kept in the run folder), counted per class,
 * and compared with the pretext images so that a labelled image that is also a pretext
 * image is reported (hash of the decoded pixels at the training size).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/configError';
import { loadDataset, type ImageDataset } from '../data/dataset';
import { DataError } from '../data/errors';
import { loadOptionsFor } from '../data/loadOptions';
import { classCounts, excludeIndices, selectSubset } from '../data/subset';
import type {
  DataConfig,
  DataSourcesRecord,
  EvaluationSourceRecord,
  LeakRecord,
  ScaleNetConfig,
} from '../protocol';
import type { PreparedData } from './stageData';
import { writeFileAtomic } from '../util/atomicWrite';
import { deriveSeed } from '../util/random';

/** The seeded split of a labelled folder without test/, kept so a resume sees the same. */
export const EVALUATION_SPLIT_FILE = 'evaluation-split.json';
const LEAK_EXAMPLES = 5;

interface SplitRecord {
  version: 1;
  dataset: string;
  count: number;
  testFraction: number;
  seed: number;
  test: number[];
}

export interface EvaluationSource {
  train: ImageDataset;
  test: ImageDataset;
  split: EvaluationSourceRecord['split'];
  testFraction?: number;
}

function pick(ds: ImageDataset, indices: ArrayLike<number>, split: string): ImageDataset {
  const size = ds.height * ds.width * ds.channels;
  const images = new Uint8Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i];
    images.set(ds.images.subarray(index * size, (index + 1) * size), i * size);
    labels[i] = ds.labels[index];
  }
  return { ...ds, name: `${ds.name}:${split}`, images, labels, count: indices.length };
}

/** The test indices of a seeded stratified split: the run's own file, else chosen now. */
function seededTestIndices(
  ds: ImageDataset,
  fraction: number,
  seed: number,
  runDir: string,
): Int32Array {
  const file = join(runDir, EVALUATION_SPLIT_FILE);
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as SplitRecord;
    if (saved.count !== ds.count || saved.test.some((i) => !(i >= 0 && i < ds.count))) {
      throw new DataError(
        file,
        `was made for ${saved.count} labelled images but the folder now holds ${ds.count}`,
        'Restore the labelled folder as it was, or start a new run',
      );
    }
    return Int32Array.from(saved.test);
  }
  const test = selectSubset(ds.labels, {
    limit: Math.max(1, Math.round(ds.count * fraction)),
    seed: deriveSeed(seed, 0xe7a1),
  });
  const record: SplitRecord = {
    version: 1,
    dataset: ds.name,
    count: ds.count,
    testFraction: fraction,
    seed,
    test: [...test],
  };
  writeFileAtomic(file, `${JSON.stringify(record)}\n`);
  return test;
}

/** The labelled set: `evaluation.data`, or the pretext source's own labels. */
export async function loadEvaluationSource(
  config: ScaleNetConfig,
  pretext: Pick<PreparedData, 'train' | 'test'>,
  runDir: string,
  configFile: string,
): Promise<EvaluationSource> {
  const source = config.evaluation.data;
  if (!source) return { train: pretext.train, test: pretext.test, split: 'pretext' };
  return loadLabelledSet(config, source, pretext.train, runDir, configFile);
}

/** `evaluation.data` at the pretext images' size (`pretextSize`), split as the run split it. */
export async function loadLabelledSet(
  config: ScaleNetConfig,
  source: NonNullable<ScaleNetConfig['evaluation']['data']>,
  pretextSize: Pick<ImageDataset, 'height' | 'width'>,
  runDir: string,
  configFile: string,
): Promise<EvaluationSource> {
  const pretext = { train: pretextSize };
  const data: DataConfig = {
    ...config.data,
    dataset: source.dataset,
    path: source.path,
    // Folder images are read at the pretext's size: the same network sees both.
    imageSize: pretext.train.height,
  };
  const load = (split: 'train' | 'test') =>
    loadDataset(data, process.cwd(), split, loadOptionsFor(data));
  const ownTest =
    source.dataset !== 'folder' ||
    (source.path !== undefined &&
      statSync(join(source.path, 'test'), { throwIfNoEntry: false })?.isDirectory() === true);
  let result: EvaluationSource;
  if (ownTest) {
    const [train, test] = await Promise.all([load('train'), load('test')]);
    result = { train, test, split: 'own' };
  } else {
    const all = await load('train');
    const test = seededTestIndices(all, source.testFraction, config.seed, runDir);
    const everything = Int32Array.from({ length: all.count }, (_, i) => i);
    result = {
      train: pick(all, excludeIndices(everything, test), 'train'),
      test: pick(all, test, 'test'),
      split: 'seeded',
      testFraction: source.testFraction,
    };
  }
  const want = pretext.train;
  if (result.train.height !== want.height || result.train.width !== want.width) {
    throw new ConfigError(
      configFile,
      'evaluation.data',
      `holds ${result.train.height}x${result.train.width} images but the pretext images are ${want.height}x${want.width}`,
      'Evaluate on images of the pretext size: use a folder (read at data.imageSize) or a pretext source of the same size.',
    );
  }
  return result;
}

/** The run's data as the downstream evaluation sees it: the labelled set in train/test. */
export function evaluationView(data: PreparedData, source: EvaluationSource): PreparedData {
  if (source.split === 'pretext') return data;
  return {
    ...data,
    train: source.train,
    test: source.test,
    trainIndices: Int32Array.from({ length: source.train.count }, (_, i) => i),
  };
}

function pixelHash(ds: ImageDataset, index: number): string {
  const size = ds.height * ds.width * ds.channels;
  return createHash('sha1')
    .update(ds.images.subarray(index * size, (index + 1) * size))
    .digest('base64');
}

/** Labelled images whose decoded pixels equal a pretext source image's. */
export function findLeaks(pretext: ImageDataset, source: EvaluationSource): LeakRecord {
  const leaks: LeakRecord = { count: 0, testCount: 0, examples: [] };
  const same = (ds: ImageDataset) =>
    ds.height === pretext.height && ds.width === pretext.width && ds.channels === pretext.channels;
  if (!same(source.train)) return leaks;
  const pretextImages = new Map<string, number>();
  for (let i = 0; i < pretext.count; i++) {
    const hash = pixelHash(pretext, i);
    if (!pretextImages.has(hash)) pretextImages.set(hash, i);
  }
  for (const split of ['train', 'test'] as const) {
    const ds = source[split];
    for (let i = 0; i < ds.count; i++) {
      const match = pretextImages.get(pixelHash(ds, i));
      if (match === undefined) continue;
      leaks.count++;
      if (split === 'test') leaks.testCount++;
      if (leaks.examples.length < LEAK_EXAMPLES) {
        leaks.examples.push({
          split,
          index: i,
          className: ds.classNames[ds.labels[i]] ?? String(ds.labels[i]),
          pretext: pretext.files?.[match] ?? `image #${match}`,
        });
      }
    }
  }
  return leaks;
}

/** Counts of both sources (and the leaks between them) for the summary and the CLI. */
export function sourcesRecord(data: PreparedData, source: EvaluationSource): DataSourcesRecord {
  const classes = source.train.classNames.length;
  const counts = (ds: ImageDataset) => {
    const c = classCounts(ds.labels);
    while (c.length < classes) c.push(0);
    return c;
  };
  return {
    pretext: {
      dataset: data.train.name,
      images: data.train.count,
      trainImages: data.trainIndices.length,
      heldOutImages: data.heldOutIndices.length,
      labelsIgnored: true,
    },
    evaluation: {
      dataset:
        source.split === 'seeded' ? source.train.name.replace(/:train$/, '') : source.train.name,
      classNames: source.train.classNames,
      trainPerClass: counts(source.train),
      testPerClass: counts(source.test),
      split: source.split,
      testFraction: source.testFraction,
    },
    leaks: source.split === 'pretext' ? undefined : findLeaks(data.train, source),
  };
}
