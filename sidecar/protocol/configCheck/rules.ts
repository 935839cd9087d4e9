/**
 * The rules every config obeys whatever its method: the scale chain, per-stage lists,
 * bounded epochs, data sources, model lists and label budgets. Each reports on the node
 * of its field, in the wording a failed run repeats.
 */
import { isAbsolute, resolve } from 'node:path';
import { numbers, stringAt, type ConfigRule, type RuleContext } from './tree';

/** Training images of the datasets whose size is known without reading them. */
const KNOWN_TRAIN_IMAGES: Record<string, number> = { embedded: 4000, cifar10: 50000 };
const DATASETS_WITH_PATH = new Set(['idx', 'cifar10', 'folder']);
/** Far beyond any useful schedule, far below where a loop over epochs never ends. */
export const MAX_EPOCHS = 10_000;

export const checkChain: ConfigRule = ({ node, add }) => {
  const list = node(['pretext', 'scales']);
  const scales = numbers(list);
  if (!list || !scales || scales.length === 0) return;
  for (let i = 1; i < scales.length; i++) {
    if (!(scales[i] > scales[i - 1])) {
      add(
        list.children![i],
        `pretext.scales.${i}`,
        'is not larger than the scale before it',
        'List the scales in ascending order, e.g. [0.5, 1].',
      );
    }
  }
  const last = scales.length - 1;
  if (scales[last] !== 1) {
    add(
      list.children![last],
      `pretext.scales.${last}`,
      'is not 1',
      'End the chain at full scale: the last scale must be 1.',
    );
  }
};

export const checkPerStage: ConfigRule = ({ node, add }) => {
  const stages = numbers(node(['pretext', 'scales']))?.length ?? 1;
  for (const key of ['epochs', 'lr']) {
    const list = node(['pretext', key]);
    if (list?.type !== 'array') continue;
    const entries = list.children?.length ?? 0;
    if (entries !== stages && entries !== 1) {
      add(
        list,
        `pretext.${key}`,
        `has ${entries} entries but pretext.scales has ${stages}`,
        'Give one entry per scale (or a single entry for all stages).',
      );
    }
  }
};

/** Epoch counts: whole, finite and bounded (1e308 epochs is an integer to JSON Schema). */
export const checkEpochs: ConfigRule = ({ node, add }) => {
  const bounded = (at: ReturnType<RuleContext['node']>, field: string) => {
    if (at?.type !== 'number') return;
    const value = at.value as number;
    if (Number.isInteger(value) && value >= 1 && value <= MAX_EPOCHS) return;
    add(
      at,
      field,
      `is ${value}, not a whole number of epochs from 1 to ${MAX_EPOCHS}`,
      `Give a whole number of epochs between 1 and ${MAX_EPOCHS}.`,
    );
  };
  node(['pretext', 'epochs'])?.children?.forEach((item, i) => bounded(item, `pretext.epochs.${i}`));
  for (const evaluation of ['finetune', 'linear']) {
    bounded(node(['evaluation', evaluation, 'epochs']), `evaluation.${evaluation}.epochs`);
  }
};

export const checkData: ConfigRule = ({ node, add, env }) => {
  const limit = node(['data', 'limit']);
  const perClass = node(['data', 'perClass']);
  if (limit && perClass) {
    add(
      perClass,
      'data.perClass',
      'is set together with data.limit',
      'Keep one of limit (total) and perClass (per class).',
    );
  }
  const datasetNode = node(['data', 'dataset']);
  const dataset = stringAt(datasetNode);
  const pathNode = node(['data', 'path']);
  const path = stringAt(pathNode);
  const absolute = (p: string) => (isAbsolute(p) ? p : resolve(env?.configDir ?? '.', p));
  if (dataset && DATASETS_WITH_PATH.has(dataset)) {
    if (path === undefined || path.trim() === '') {
      add(
        pathNode ?? datasetNode!,
        'data.path',
        `is missing for dataset "${dataset}"`,
        'Set data.path to the folder holding the dataset files.',
      );
    } else if (env?.exists && !env.exists(absolute(path))) {
      add(
        pathNode!,
        'data.path',
        `does not exist: ${absolute(path)}`,
        'Relative paths resolve against the config file’s folder; point it at the dataset files.',
      );
    }
  }
  const subsetNode = node(['data', 'subset']);
  const subset = stringAt(subsetNode);
  if (subset !== undefined && env?.exists && !env.exists(absolute(subset))) {
    add(
      subsetNode!,
      'data.subset',
      `cannot be read (no file ${absolute(subset)})`,
      'Point data.subset at the subset.json of an existing run.',
    );
  }
};

export const checkModel: ConfigRule = ({ node, add }) => {
  const widths = node(['model', 'widths']);
  const blocks = node(['model', 'blocks']);
  if (widths?.type !== 'array' || blocks?.type !== 'array') return;
  const w = widths.children?.length ?? 0;
  const b = blocks.children?.length ?? 0;
  if (w !== b) {
    add(
      widths,
      'model.widths',
      `has ${w} entries but model.blocks has ${b}`,
      'Give one width per stage.',
    );
  }
};

/** A budget above the training set cannot be met: the sidecar would use every image. */
export const checkLabelBudgets: ConfigRule = ({ node, add }) => {
  // The labelled set is evaluation.data when there is one, else the pretext source.
  const dataset =
    stringAt(node(['evaluation', 'data', 'dataset'])) ??
    stringAt(node(['data', 'dataset'])) ??
    'embedded';
  const available = KNOWN_TRAIN_IMAGES[dataset];
  if (available === undefined) return;
  for (const evaluation of ['finetune', 'linear']) {
    const list = node(['evaluation', evaluation, 'labels']);
    list?.children?.forEach((item, i) => {
      if (typeof item.value === 'number' && item.value > available) {
        add(
          item,
          `evaluation.${evaluation}.labels.${i}`,
          `asks for ${item.value} labelled images but the ${dataset} dataset has ${available} training images`,
          `Use at most ${available}.`,
          'warning',
        );
      }
    });
  }
};

/**
 * In the order a reader meets the fields, the sidecar reporting the first error: the
 * chain, then the method's own rules (configCheck/index.ts), then these.
 */
export const CHAIN_RULES: readonly ConfigRule[] = [checkChain];
export const COMMON_RULES: readonly ConfigRule[] = [
  checkPerStage,
  checkEpochs,
  checkData,
  checkModel,
  checkLabelBudgets,
];
