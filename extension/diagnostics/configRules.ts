/**
 * What the JSON schema cannot say about a `*.scalenet.json`, checked on the text as the
 * user types: each problem sits on the exact JSON node of its field. No `vscode` import,
 * so the rules are unit-tested on plain text. Where the sidecar's resolver
 * (sidecar/config/resolveConfig.ts) refuses the same thing, the wording is its
 * ConfigError's: `<field> <problem>. <fix>`; a run would fail with that same sentence.
 */
import { isAbsolute, resolve } from 'node:path';
import { findNodeAtLocation, parseTree, type Node, type ParseError } from 'jsonc-parser';

export interface ConfigProblem {
  /** JSON path as the sidecar names it, e.g. `pretext.scales.1`. */
  field: string;
  /** The node's range in the text. */
  offset: number;
  length: number;
  message: string;
  /** `error`: the sidecar refuses the config; `warning`: it runs, but not as written. */
  severity: 'error' | 'warning';
}

export interface RuleEnvironment {
  /** Folder of the config file: relative paths in it resolve against it. */
  configDir: string;
  exists(path: string): boolean;
}

/** Training images of the datasets whose size is known without reading them. */
const KNOWN_TRAIN_IMAGES: Record<string, number> = { embedded: 4000, cifar10: 50000 };
const DATASETS_WITH_PATH = new Set(['idx', 'cifar10', 'folder']);

type Path = (string | number)[];

export function checkConfigText(text: string, env: RuleEnvironment): ConfigProblem[] {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true });
  if (!root || root.type !== 'object') return [];
  const problems: ConfigProblem[] = [];
  const node = (path: Path) => findNodeAtLocation(root, path);
  const add = (at: Node, field: string, problem: string, fix: string, severity = 'error') =>
    problems.push({
      field,
      offset: at.offset,
      length: at.length,
      message: `${field} ${problem}. ${fix}`,
      severity: severity === 'warning' ? 'warning' : 'error',
    });

  const scales = numbers(node(['pretext', 'scales']));
  checkScales(node, scales, stringAt(node(['method'])) ?? 'rotnet', add);
  checkPerStage(node, scales?.length ?? 1, add);
  checkSimclr(node, add);
  checkData(node, env, add);
  checkModel(node, add);
  checkLabelBudgets(node, add);
  return problems;
}

type Find = (path: Path) => Node | undefined;
type Add = (at: Node, field: string, problem: string, fix: string, severity?: string) => void;

function checkScales(node: Find, scales: number[] | undefined, method: string, add: Add): void {
  const list = node(['pretext', 'scales']);
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
  if (method === 'rotnet' && scales.length !== 1) {
    add(
      list,
      'pretext.scales',
      'has several scales but method is "rotnet"',
      'Use "method": "scalenet" for a chain of scales, or "scales": [1] for RotNet.',
    );
  }
}

function checkPerStage(node: Find, stages: number, add: Add): void {
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
}

function checkSimclr(node: Find, add: Add): void {
  const cropNode = node(['simclr', 'cropScale']);
  const crop = numbers(cropNode);
  if (stringAt(node(['method'])) === 'simclr' && crop?.length === 2 && crop[0] > crop[1]) {
    add(
      cropNode!,
      'simclr.cropScale',
      'has its smaller bound second',
      'Give [smallest, largest] area fractions, e.g. [0.08, 1].',
    );
  }
}

function checkData(node: Find, env: RuleEnvironment, add: Add): void {
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
  if (dataset && DATASETS_WITH_PATH.has(dataset)) {
    if (path === undefined || path.trim() === '') {
      add(
        pathNode ?? datasetNode!,
        'data.path',
        `is missing for dataset "${dataset}"`,
        'Set data.path to the folder holding the dataset files.',
      );
    } else if (!env.exists(absolute(env, path))) {
      add(
        pathNode!,
        'data.path',
        `does not exist: ${absolute(env, path)}`,
        'Relative paths resolve against the config file’s folder; point it at the dataset files.',
      );
    }
  }
  const subsetNode = node(['data', 'subset']);
  const subset = stringAt(subsetNode);
  if (subset !== undefined && !env.exists(absolute(env, subset))) {
    add(
      subsetNode!,
      'data.subset',
      `cannot be read (no file ${absolute(env, subset)})`,
      'Point data.subset at the subset.json of an existing run.',
    );
  }
}

function checkModel(node: Find, add: Add): void {
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
}

/** A budget above the training set cannot be met: the sidecar would use every image. */
function checkLabelBudgets(node: Find, add: Add): void {
  const dataset = stringAt(node(['data', 'dataset'])) ?? 'embedded';
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
}

function absolute(env: RuleEnvironment, path: string): string {
  return isAbsolute(path) ? path : resolve(env.configDir, path);
}

function stringAt(node: Node | undefined): string | undefined {
  return node?.type === 'string' ? (node.value as string) : undefined;
}

/** The list's numbers, or undefined when it is not a list of numbers (the schema says so). */
function numbers(node: Node | undefined): number[] | undefined {
  if (node?.type !== 'array' || !node.children) return undefined;
  const values = node.children.map((c) => c.value as unknown);
  return values.every((v) => typeof v === 'number') ? values : undefined;
}
