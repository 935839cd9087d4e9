/**
 * Turns the text of a `*.scalenet.json` file into a complete, checked ScaleNetConfig.
 * The JSON schema (schemas/scalenet.schema.json) is the one source of field types and
 * defaults: the editor validates with it, and so does this (ajv fills the defaults).
 * What a schema cannot say (chain order, per-stage list lengths, each method's rules) is
 * checked after, by the same checker the editor's diagnostics run (protocol/configCheck).
 */
import Ajv, { type ErrorObject } from 'ajv';
import type { ScaleNetConfig } from '../protocol';
import schema from '../../schemas/scalenet.schema.json';
import {
  checkConfigValue,
  MAX_CONFIG_DEPTH,
  METHOD_CONFIG_RULES,
  nestingDepth,
  parseConfigText as parseText,
} from '../protocol/configCheck';
import { ConfigError } from './configError';

const validate = new Ajv({ useDefaults: true, allErrors: true }).compile(schema);

/** Parses JSON with comments (configs written by "New Config" are commented). */
export function parseConfigText(text: string, file: string): unknown {
  const parsed = parseText(text);
  if (parsed.ok) return parsed.value;
  throw new ConfigError(
    file,
    '',
    `is not valid JSON: ${parsed.message} at line ${parsed.line}, column ${parsed.column}`,
    parsed.message.startsWith('nests deeper')
      ? 'A config nests a few levels deep; remove the extra brackets.'
      : 'Fix the JSON syntax at that position.',
  );
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

/** Per-stage lists hold one entry for every stage, or one for all (checked before). */
function perStage(list: number[], stages: number): number[] {
  return list.length === stages ? list : new Array<number>(stages).fill(list[0]);
}

/** The method's own pretext defaults go in before the schema's (they differ by method). */
function fillMethodDefaults(config: Record<string, unknown>): void {
  const method = typeof config.method === 'string' ? config.method : 'rotnet';
  const defaults = METHOD_CONFIG_RULES[method]?.pretextDefaults;
  if (!defaults) return;
  const pretext = config.pretext ?? {};
  if (typeof pretext !== 'object' || pretext === null || Array.isArray(pretext)) return;
  config.pretext = { ...defaults, ...pretext };
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
  if (nestingDepth(raw) > MAX_CONFIG_DEPTH) {
    throw new ConfigError(
      file,
      '',
      `nests deeper than ${MAX_CONFIG_DEPTH} levels`,
      'A config nests a few levels deep; remove the extra brackets.',
    );
  }
  const config = structuredClone(raw) as Record<string, unknown>;
  fillMethodDefaults(config);
  if (!validate(config)) {
    const first = validate.errors![0];
    throw new ConfigError(file, fieldOf(first), first.message ?? 'is invalid', fixFor(first));
  }
  const resolved = config as unknown as ScaleNetConfig;
  // The editor's rules, on the resolved config: the first error is the run's error.
  const problem = checkConfigValue(resolved).find((p) => p.severity === 'error');
  if (problem) throw new ConfigError(file, problem.field, problem.problem, problem.fix);
  const stages = resolved.pretext.scales.length;
  resolved.pretext.epochs = perStage(resolved.pretext.epochs, stages);
  resolved.pretext.lr = perStage(resolved.pretext.lr, stages);
  return resolved;
}
