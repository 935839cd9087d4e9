/**
 * The `*.sweep.json` format and its expansion into named variants. Pure (no file or
 * process access) so that the CLI, which submits and reports sweeps, and the extension,
 * which shows them, expand a sweep file the same way. `schemas/sweep.schema.json`
 * describes the same fields for the editor.
 *
 * Axes are crossed; a `zip` group is one axis whose lists advance together (e.g. a
 * method with its own scale chain and epochs). Seeds are the last axis, so the variants
 * of one seed sit side by side and a report can pair them by seed.
 */

/** A JSON value a config field can take. */
export type SweepValue =
  string | number | boolean | null | SweepValue[] | { [k: string]: SweepValue };

export interface SlurmSettings {
  partition?: string;
  account?: string;
  qos?: string;
  /** Slurm time limit per task, e.g. "00:30:00" or "30" (minutes). */
  time?: string;
  cpusPerTask?: number;
  /** e.g. "4G". */
  mem?: string;
  /** e.g. "gpu:1". */
  gres?: string;
  gpus?: string;
  /** At most this many array tasks at once (`--array=…%K`). */
  maxParallel?: number;
  /** Seconds before the time limit at which a task checkpoints and stops (`--signal`). */
  signalSeconds?: number;
  /** Lines run before training, e.g. `module load nodejs`. */
  setup?: string[];
  /** Further `sbatch` options, e.g. ["--constraint=a100"]. */
  extraArgs?: string[];
}

export interface SweepFile {
  $schema?: string;
  /** Names the sweep folder and prefixes every variant's run name. */
  name: string;
  /** A run config: a path relative to the sweep file, or the config itself. */
  base: string | Record<string, SweepValue>;
  /** Dotted config paths, each crossed with every other axis. */
  cross?: Record<string, SweepValue[]>;
  /** Groups of dotted paths whose lists advance together; each group is one axis. */
  zip?: Record<string, SweepValue[]>[];
  /** Explicit seeds, crossed last (the pairing key of a report). */
  seeds?: number[];
  /** Where run folders go (relative to the sweep file); default: the base config's. */
  runsDir?: string;
  /** The sweep folder (relative to the sweep file); default: `<runsDir>/../sweeps/<name>`. */
  sweepDir?: string;
  local?: { parallel?: number };
  slurm?: SlurmSettings;
  /** The report's reference row, e.g. { "method": "rotnet" }: the others are compared with it. */
  baseline?: Record<string, SweepValue>;
}

export interface SweepVariant {
  index: number;
  /** Unique within the sweep; the run name is `<sweep>-<variant>`. */
  name: string;
  /** The dotted paths this variant sets, in axis order. */
  values: Record<string, SweepValue>;
}

/** A sweep file mistake, with the field and what to write instead. */
export class SweepError extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly fix: string,
  ) {
    super(`${field}: ${message} Fix: ${fix}`);
  }
}

/** The config's top-level fields: an axis must start with one of them. */
export const CONFIG_FIELDS = [
  'name',
  'seed',
  'method',
  'backend',
  'data',
  'model',
  'pretext',
  'simclr',
  'evaluation',
  'checkpointEvery',
  'runsDir',
] as const;

interface Axis {
  paths: string[];
  /** One entry per position: the value of every path at that position. */
  rows: SweepValue[][];
}

function checkPath(path: string, field: string): void {
  const head = path.split('.')[0];
  if (!(CONFIG_FIELDS as readonly string[]).includes(head) || path.split('.').some((p) => !p)) {
    throw new SweepError(
      field,
      `"${path}" is not a config field.`,
      `use a dotted path into the run config starting with one of ${CONFIG_FIELDS.join(', ')} (e.g. "pretext.scales").`,
    );
  }
  if (path === 'name') {
    throw new SweepError(
      field,
      'the run name is made from the variant.',
      'remove the "name" axis.',
    );
  }
}

function checkList(values: unknown, field: string): SweepValue[] {
  if (!Array.isArray(values) || values.length === 0) {
    throw new SweepError(field, 'must be a non-empty list of values.', 'write e.g. [0.05, 0.1].');
  }
  return values as SweepValue[];
}

export function sweepAxes(sweep: SweepFile): Axis[] {
  const axes: Axis[] = [];
  for (const [path, values] of Object.entries(sweep.cross ?? {})) {
    checkPath(path, `cross.${path}`);
    axes.push({ paths: [path], rows: checkList(values, `cross.${path}`).map((v) => [v]) });
  }
  (sweep.zip ?? []).forEach((group, g) => {
    const entries = Object.entries(group);
    if (entries.length === 0) {
      throw new SweepError(
        `zip[${g}]`,
        'is empty.',
        'give two or more paths with equal-length lists.',
      );
    }
    const length = checkList(entries[0][1], `zip[${g}].${entries[0][0]}`).length;
    for (const [path, values] of entries) {
      checkPath(path, `zip[${g}].${path}`);
      if (checkList(values, `zip[${g}].${path}`).length !== length) {
        throw new SweepError(
          `zip[${g}].${path}`,
          `has ${values.length} values but ${entries[0][0]} has ${length}; zipped lists advance together.`,
          'give every list of the group the same length, or move the path to "cross".',
        );
      }
    }
    axes.push({
      paths: entries.map(([p]) => p),
      rows: Array.from({ length }, (_, i) => entries.map(([, values]) => values[i])),
    });
  });
  const seen = new Set<string>();
  for (const path of axes.flatMap((a) => a.paths)) {
    if (seen.has(path)) {
      throw new SweepError(path, 'appears in two axes.', 'keep each path in one axis only.');
    }
    seen.add(path);
  }
  if (sweep.seeds) {
    if (seen.has('seed')) {
      throw new SweepError('seeds', 'seed is also an axis.', 'give the seeds in one place only.');
    }
    const seeds = checkList(sweep.seeds, 'seeds');
    if (!seeds.every((s) => Number.isInteger(s))) {
      throw new SweepError('seeds', 'must be whole numbers.', 'write e.g. [101, 202, 303].');
    }
    axes.push({ paths: ['seed'], rows: seeds.map((s) => [s]) });
  }
  return axes;
}

/** How a value reads inside a variant name: [0.5, 1] → "0.5_1". */
export function valueLabel(value: SweepValue): string {
  if (Array.isArray(value)) return value.map(valueLabel).join('_');
  if (value !== null && typeof value === 'object') {
    return Object.entries(value)
      .map(([k, v]) => `${k}${valueLabel(v)}`)
      .join('_');
  }
  return String(value).replace(/[^A-Za-z0-9.]+/g, '_');
}

function axisLabel(axis: Axis, row: SweepValue[]): string {
  if (axis.paths.length === 1 && axis.paths[0] === 'seed') return `seed${valueLabel(row[0])}`;
  // A zip group is named by its first path (e.g. the method), which tells its rows apart
  // whenever that list has no repeats; otherwise by all of its values.
  const first = axis.rows.map((r) => valueLabel(r[0]));
  return new Set(first).size === first.length ? valueLabel(row[0]) : row.map(valueLabel).join('-');
}

/** Every variant: the cross product of the axes, the last axis (seeds) fastest. */
export function expandSweep(sweep: SweepFile): SweepVariant[] {
  if (typeof sweep.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(sweep.name)) {
    throw new SweepError('name', 'must be a plain name.', 'use letters, digits, ".", "_" or "-".');
  }
  const axes = sweepAxes(sweep);
  let variants: { labels: string[]; values: Record<string, SweepValue> }[] = [
    { labels: [], values: {} },
  ];
  for (const axis of axes) {
    variants = variants.flatMap((v) =>
      axis.rows.map((row) => ({
        labels: [...v.labels, axisLabel(axis, row)],
        values: { ...v.values, ...Object.fromEntries(axis.paths.map((p, i) => [p, row[i]])) },
      })),
    );
  }
  const names = new Set<string>();
  return variants.map((v, index) => {
    let name = v.labels.join('-') || 'base';
    if (names.has(name)) name = `${name}-${index}`;
    names.add(name);
    return { index, name, values: v.values };
  });
}

/** Sets `a.b.c` in a copy of the config, creating the objects on the way. */
export function setPath(
  config: Record<string, SweepValue>,
  path: string,
  value: SweepValue,
): Record<string, SweepValue> {
  const copy = structuredClone(config);
  const parts = path.split('.');
  let node: Record<string, SweepValue> = copy;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (next === undefined || next === null || typeof next !== 'object' || Array.isArray(next)) {
      node[part] = {};
    }
    node = node[part] as Record<string, SweepValue>;
  }
  node[parts[parts.length - 1]] = value;
  return copy;
}

/** The run config of one variant: the base with the variant's values and its run name. */
export function variantConfig(
  sweepName: string,
  base: Record<string, SweepValue>,
  variant: SweepVariant,
): Record<string, SweepValue> {
  let config = structuredClone(base);
  delete config.$schema;
  for (const [path, value] of Object.entries(variant.values)) config = setPath(config, path, value);
  config.name = `${sweepName}-${variant.name}`;
  return config;
}

/** The sweep folder's `manifest.json`: what was expanded, and every submission. */
export interface SweepManifest {
  name: string;
  sweepFile: string;
  runsDir: string;
  createdAt: string;
  /** The report's reference values (from the sweep file's `baseline`). */
  baseline?: Record<string, SweepValue>;
  variants: (SweepVariant & { configFile: string })[];
  submissions: SweepSubmission[];
}

export interface SweepSubmission {
  executor: 'local' | 'slurm';
  submittedAt: string;
  indices: number[];
  /** Slurm: the array job id. */
  jobId?: string;
}

/** A variant's state as `scalenet sweep status` shows it. */
export type VariantState =
  | 'NOT_SUBMITTED'
  | 'PENDING'
  | 'RUNNING'
  | 'COMPLETED'
  | 'FAILED'
  | 'TIMEOUT'
  | 'CANCELLED'
  | 'STOPPED';

export interface VariantStatus {
  index: number;
  name: string;
  state: VariantState;
  /** Slurm's own state word, when the scheduler still knows the task. */
  slurmState?: string;
  /** e.g. "1234_3". */
  jobId?: string;
  runDir?: string;
  /** The run store's status (summary.json). */
  runStatus?: string;
  metrics?: Record<string, number>;
}
