/**
 * The image and label budgets of a config, measured against the data it names. What
 * the data cannot give is either refused (a ConfigError naming the field and the
 * largest value that works) or clamped and SAID: every clamp is a note that goes into
 * the log and the run summary, and the metric is named by the budget actually used
 * (`finetune@60000`, not `finetune@100000` trained on 60,000 labels).
 */
import { ConfigError } from '../config/configError';
import type { ScaleNetConfig } from '../protocol';
import { classCounts } from './subset';
import type { ImageDataset } from './types';

/** Label budgets against the labelled images there are: clamped, then deduplicated. */
export function labelBudgets(requested: number[], available: number): number[] {
  return [...new Set(requested.map((n) => Math.min(n, available)))];
}

function clampNote(field: string, requested: number, available: number, what: string): string {
  return `${field} ${requested} is more than the ${available} ${what}: using all ${available}`;
}

/**
 * The clamps a config gets on this data, one sentence each (empty when it fits). Label
 * budgets are measured against `labelled` (the pretext training set by default); with
 * `null` they are left out, for a run whose labelled set is a separate `evaluation.data`
 * (labelBudgetNotes on that set, once it is loaded).
 */
export function budgetNotes(
  config: ScaleNetConfig,
  train: ImageDataset,
  test: ImageDataset,
  labelled: ImageDataset | null = train,
): string[] {
  const notes: string[] = [];
  const { data, pretext } = config;
  if (data.limit !== undefined && data.limit > train.count) {
    notes.push(clampNote('data.limit', data.limit, train.count, 'training images'));
  }
  if (pretext.heldOut > test.count) {
    notes.push(clampNote('pretext.heldOut', pretext.heldOut, test.count, 'test images'));
  }
  return labelled ? [...notes, ...labelBudgetNotes(config, labelled)] : notes;
}

/** The label budgets of a config that its labelled training images cannot give in full. */
export function labelBudgetNotes(config: ScaleNetConfig, labelled: ImageDataset): string[] {
  const notes: string[] = [];
  const budgetsOf = (field: string, labels: number[], metric: (n: number) => string) => {
    for (const n of labels.filter((n) => n > labelled.count)) {
      notes.push(
        `${clampNote(field, n, labelled.count, 'labelled training images')} ` +
          `(reported as ${metric(labelled.count)})`,
      );
    }
  };
  const { evaluation } = config;
  budgetsOf('evaluation.finetune.labels', evaluation.finetune.labels, (n) => `finetune@${n}`);
  budgetsOf('evaluation.linear.labels', evaluation.linear.labels, (n) => `linear@${n}`);
  return notes;
}

/** data.perClass must fit the smallest class: which one, and how many it holds. */
export function checkPerClass(
  perClass: number | undefined,
  train: ImageDataset,
  configFile: string,
): void {
  if (perClass === undefined) return;
  const counts = classCounts(train.labels);
  let smallest = -1;
  counts.forEach((n, c) => {
    if (smallest < 0 || n < counts[smallest]) smallest = c;
  });
  if (smallest >= 0 && counts[smallest] < perClass) {
    const name = train.classNames[smallest] ?? String(smallest);
    throw new ConfigError(
      configFile,
      'data.perClass',
      `asks for ${perClass} training images of every class, but class "${name}" has only ${counts[smallest]}`,
      `Lower data.perClass to at most ${counts[smallest]}, or use data.limit (spread over classes by their size).`,
    );
  }
}

/** A batch must fit in the pretext training images (the last partial batch is dropped). */
export function checkBatchSize(
  batchSize: number,
  trainImages: number,
  config: ScaleNetConfig,
  configFile: string,
): void {
  if (trainImages >= batchSize) return;
  const source =
    config.data.limit !== undefined
      ? `data.limit ${config.data.limit}`
      : config.data.perClass !== undefined
        ? `data.perClass ${config.data.perClass}`
        : 'the dataset';
  throw new ConfigError(
    configFile,
    'pretext.batchSize',
    `is ${batchSize}, but the run trains on ${trainImages} images (${source})`,
    `Lower pretext.batchSize to at most ${trainImages}, or train on more images.`,
  );
}
