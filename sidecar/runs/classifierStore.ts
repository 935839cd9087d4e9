/**
 * The fine-tuned classifiers a run keeps, one folder per label budget:
 *   <run>/classifiers/finetune@<labels>/model.json + weights.bin   the whole network
 *   <run>/classifiers/finetune@<labels>/classifier.json            what it needs to be used
 * classifier.json holds the class names and the standardisation the network was trained
 * with (per-channel mean/std of the pretext subset at full size), so Grad-CAM, predict
 * and export give it exactly the inputs fine-tuning gave it, without the dataset's
 * statistics being recomputed. Each folder is replaced as a whole (util/atomicWrite).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { DataError } from '../data/errors';
import { loadModel, writeModelFiles } from '../models/modelIO';
import type { ChannelStats } from '../transforms/standardize';
import { resolveAtomicDir, writeDirAtomic, writeFileDurable } from '../util/atomicWrite';

export const CLASSIFIERS_DIR = 'classifiers';
export const CLASSIFIER_JSON = 'classifier.json';

export function classifierFolderName(labels: number): string {
  return `finetune@${labels}`;
}

/** What classifier.json holds. */
export interface ClassifierInfo {
  version: 1;
  /** The label budget (K labelled images) it was fine-tuned on. */
  labels: number;
  classNames: string[];
  stats: ChannelStats;
  /** Side length and channels of the network input (the dataset's own size). */
  inputSize: number;
  channels: number;
  /** Accuracy on the run's evaluation test images, as the run recorded it. */
  testAccuracy: number;
  /** The labelled training images (positions in the train split). */
  trainIndices: number[];
}

export interface KeptClassifier {
  labels: number;
  model: tf.LayersModel;
  classNames: string[];
  stats: ChannelStats;
  inputSize: number;
  channels: number;
  testAccuracy: number;
  trainIndices: ArrayLike<number>;
}

export function classifierDir(runDir: string, labels: number): string {
  return join(runDir, CLASSIFIERS_DIR, classifierFolderName(labels));
}

export async function saveClassifier(runDir: string, kept: KeptClassifier): Promise<string> {
  const dir = classifierDir(runDir, kept.labels);
  const info: ClassifierInfo = {
    version: 1,
    labels: kept.labels,
    classNames: kept.classNames,
    stats: { mean: [...kept.stats.mean], std: [...kept.stats.std] },
    inputSize: kept.inputSize,
    channels: kept.channels,
    testAccuracy: kept.testAccuracy,
    trainIndices: Array.from(kept.trainIndices),
  };
  await writeDirAtomic(dir, async (temp) => {
    await writeModelFiles(kept.model, temp);
    writeFileDurable(join(temp, CLASSIFIER_JSON), JSON.stringify(info, null, 1) + '\n');
  });
  return dir;
}

const BUDGET = /^finetune@(\d+)$/;

/** The label budgets with a kept classifier, ascending. */
export function listClassifiers(runDir: string): number[] {
  const root = join(runDir, CLASSIFIERS_DIR);
  if (!existsSync(root)) return [];
  const budgets = new Set<number>();
  for (const name of readdirSync(root)) {
    // A crash between the two renames leaves only `finetune@N.old-*`: still a classifier.
    const match = BUDGET.exec(name.replace(/\.old-.*$/, ''));
    if (match && !name.includes('.tmp-')) budgets.add(Number(match[1]));
  }
  return [...budgets].sort((a, b) => a - b);
}

/** The budget asked for, or the largest one kept when none is named. */
export function chooseBudget(runDir: string, labels?: number): number {
  const kept = listClassifiers(runDir);
  if (kept.length === 0) {
    throw new DataError(
      join(runDir, CLASSIFIERS_DIR),
      'holds no fine-tuned classifier',
      'Train the run with evaluation.finetune.labels set (runs from before classifiers were kept have none)',
    );
  }
  if (labels === undefined) return kept[kept.length - 1];
  if (!kept.includes(labels)) {
    throw new DataError(
      classifierDir(runDir, labels),
      `does not exist (this run kept classifiers for ${kept.join(', ')} labels)`,
      `Pass one of ${kept.join(', ')} as the label budget`,
    );
  }
  return labels;
}

export function readClassifierInfo(runDir: string, labels: number): ClassifierInfo {
  const dir = resolveAtomicDir(classifierDir(runDir, labels));
  const file = join(dir ?? classifierDir(runDir, labels), CLASSIFIER_JSON);
  let info: ClassifierInfo;
  try {
    info = JSON.parse(readFileSync(file, 'utf8')) as ClassifierInfo;
  } catch (error) {
    throw new DataError(
      file,
      `cannot be read (${(error as Error).message})`,
      'Retrain the run to rewrite its classifiers',
    );
  }
  if (info.version !== 1 || !Array.isArray(info.classNames) || info.stats == null) {
    throw new DataError(file, 'is not a classifier description (version 1)', 'Retrain the run');
  }
  return info;
}

export interface LoadedClassifier {
  dir: string;
  info: ClassifierInfo;
  model: tf.LayersModel;
}

export async function loadClassifier(runDir: string, labels?: number): Promise<LoadedClassifier> {
  const budget = chooseBudget(runDir, labels);
  const dir = classifierDir(runDir, budget);
  const info = readClassifierInfo(runDir, budget);
  const model = await loadModel(dir).catch((error: Error) => {
    throw new DataError(dir, `cannot be loaded (${error.message})`, 'Retrain the run');
  });
  return { dir, info, model };
}
