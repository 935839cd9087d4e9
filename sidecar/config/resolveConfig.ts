/**
 * Turns the text of a `*.scalenet.json` file into a complete, checked ScaleNetConfig.
 * The JSON schema (schemas/scalenet.schema.json) is the one source of field types and
 * defaults: the editor validates with it, and so does this (ajv fills the defaults).
 * What a schema cannot say (chain order, per-stage list lengths) is checked after.
 */
import Ajv, { type ErrorObject } from 'ajv';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { ScaleNetConfig } from '../protocol';
import schema from '../../schemas/scalenet.schema.json';
import { ConfigError } from './configError';

const validate = new Ajv({ useDefaults: true, allErrors: true }).compile(schema);

/** Parses JSON with comments (configs written by "New Config" are commented). */
export function parseConfigText(text: string, file: string): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true });
  if (errors.length > 0) {
    const first = errors[0];
    const before = text.slice(0, first.offset).split('\n');
    const where = `line ${before.length}, column ${before[before.length - 1].length + 1}`;
    throw new ConfigError(
      file,
      '',
      `is not valid JSON: ${printParseErrorCode(first.error)} at ${where}`,
      'Fix the JSON syntax at that position.',
    );
  }
  return value;
}

function fieldOf(error: ErrorObject): string {
  const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    return path ? `${path}.${extra}` : extra;
  }
  return path;
}

function fixFor(error: ErrorObject): string {
  switch (error.keyword) {
    case 'additionalProperties':
      return 'Remove it or check its spelling; the editor completes the known fields.';
    case 'enum':
      return `Use one of: ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}.`;
    default:
      return 'See the field description in the schema (hover it in the editor).';
  }
}

/** Per-stage lists may hold one entry for every stage, or a single entry used by all. */
function perStage(list: number[], stages: number, file: string, field: string): number[] {
  if (list.length === stages) return list;
  if (list.length === 1) return new Array<number>(stages).fill(list[0]);
  throw new ConfigError(
    file,
    field,
    `has ${list.length} entries but pretext.scales has ${stages}`,
    `Give one entry per scale (or a single entry for all stages).`,
  );
}

function checkChain(config: ScaleNetConfig, file: string): void {
  const { scales } = config.pretext;
  for (let i = 1; i < scales.length; i++) {
    if (!(scales[i] > scales[i - 1])) {
      throw new ConfigError(
        file,
        `pretext.scales.${i}`,
        'is not larger than the scale before it',
        'List the scales in ascending order, e.g. [0.5, 1].',
      );
    }
  }
  if (scales[scales.length - 1] !== 1) {
    throw new ConfigError(
      file,
      `pretext.scales.${scales.length - 1}`,
      'is not 1',
      'End the chain at full scale: the last scale must be 1.',
    );
  }
  if (config.method === 'rotnet' && scales.length !== 1) {
    throw new ConfigError(
      file,
      'pretext.scales',
      'has several scales but method is "rotnet"',
      'Use "method": "scalenet" for a chain of scales, or "scales": [1] for RotNet.',
    );
  }
  const [low, high] = config.simclr.cropScale;
  if (config.method === 'simclr' && low > high) {
    throw new ConfigError(
      file,
      'simclr.cropScale',
      'has its smaller bound second',
      'Give [smallest, largest] area fractions, e.g. [0.08, 1].',
    );
  }
  config.pretext.epochs = perStage(config.pretext.epochs, scales.length, file, 'pretext.epochs');
  config.pretext.lr = perStage(config.pretext.lr, scales.length, file, 'pretext.lr');
}

/**
 * SimCLR trains with Adam, whose useful step sizes are ~50x below SGD's (the schema's
 * pretext.lr default), and SimCLR's weight decay is 1e-6, not RotNet's 5e-4. The schema
 * cannot make defaults depend on the method, so these are filled in before ajv's.
 */
const SIMCLR_PRETEXT_DEFAULTS = { lr: [0.001], weightDecay: 1e-6 };

function fillMethodDefaults(config: Record<string, unknown>): void {
  if (config.method !== 'simclr') return;
  const pretext = config.pretext ?? {};
  if (typeof pretext !== 'object' || pretext === null || Array.isArray(pretext)) return;
  config.pretext = { ...SIMCLR_PRETEXT_DEFAULTS, ...pretext };
}

function checkData(config: ScaleNetConfig, file: string): void {
  const { data, model } = config;
  if (data.limit !== undefined && data.perClass !== undefined) {
    throw new ConfigError(
      file,
      'data.perClass',
      'is set together with data.limit',
      'Keep one of limit (total) and perClass (per class).',
    );
  }
  if (data.dataset !== 'embedded' && !data.path) {
    throw new ConfigError(
      file,
      'data.path',
      `is missing for dataset "${data.dataset}"`,
      'Set data.path to the folder holding the dataset files.',
    );
  }
  if (model.widths.length !== model.blocks.length) {
    throw new ConfigError(
      file,
      'model.widths',
      `has ${model.widths.length} entries but model.blocks has ${model.blocks.length}`,
      'Give one width per stage.',
    );
  }
}

/** Validates, fills defaults and checks the chain. Throws ConfigError naming the field. */
export function resolveConfig(raw: unknown, file: string): ScaleNetConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(
      file,
      '',
      'is not a JSON object',
      'A config is an object such as {"method": "rotnet"}.',
    );
  }
  const config = structuredClone(raw) as Record<string, unknown>;
  fillMethodDefaults(config);
  if (!validate(config)) {
    const first = validate.errors![0];
    throw new ConfigError(file, fieldOf(first), first.message ?? 'is invalid', fixFor(first));
  }
  const resolved = config as unknown as ScaleNetConfig;
  checkChain(resolved, file);
  checkData(resolved, file);
  return resolved;
}
