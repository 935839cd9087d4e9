/**
 * Type checks of request parameters that the handlers take on trust: a path that is not
 * a string reaches `fs` as something else (a number is a file descriptor: 0 reads
 * stdin). Each problem names the field and says what to send instead.
 */

type FieldRule = 'path' | 'path?' | 'string' | 'number';

/** The string and path fields each method needs, by dotted name under `params`. */
const RULES: Record<string, Record<string, FieldRule>> = {
  initialize: { clientName: 'string', protocolVersion: 'number' },
  'run/start': { configPath: 'path', runsDir: 'path?', resume: 'path?' },
  'run/stop': { runId: 'string' },
  'runs/list': { runsDir: 'path' },
  'gradcam/compute': { runDir: 'path', 'images.configPath': 'path?' },
};

/** Inspect requests name their images by a source whose kind says which paths it has. */
const SOURCE_RULES: Record<string, Record<string, FieldRule>> = {
  config: { 'source.configPath': 'path' },
  data: { 'source.baseDir': 'path' },
};
const INSPECT_METHODS = new Set(['harris/preview', 'data/inspect', 'data/preview']);

function valueAt(params: unknown, dotted: string): unknown {
  let value = params;
  for (const key of dotted.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function checkField(params: unknown, field: string, rule: FieldRule): string | undefined {
  const value = valueAt(params, field);
  const optional = rule.endsWith('?');
  if (value === undefined && optional) return undefined;
  const what = rule.startsWith('path')
    ? 'a non-empty string (an absolute file or folder path)'
    : rule === 'string'
      ? 'a non-empty string'
      : 'a number';
  const ok =
    rule === 'number'
      ? typeof value === 'number' && Number.isFinite(value)
      : typeof value === 'string' && value.length > 0;
  return ok ? undefined : `params.${field} must be ${what}, got ${describe(value)}`;
}

/** Why the params of `method` cannot be served, or undefined when their types are right. */
export function paramsProblem(method: string, params: unknown): string | undefined {
  let rules: Record<string, FieldRule> | undefined = RULES[method];
  if (INSPECT_METHODS.has(method)) {
    const kind = valueAt(params, 'source.kind');
    rules = typeof kind === 'string' ? SOURCE_RULES[kind] : undefined;
  }
  if (!rules) return undefined;
  if (params !== undefined && (typeof params !== 'object' || params === null)) {
    return `params must be an object, got ${describe(params)}`;
  }
  for (const [field, rule] of Object.entries(rules)) {
    const problem = checkField(params, field, rule);
    if (problem) return problem;
  }
  return undefined;
}
