/**
 * THE config checker, for the sidecar (which throws the first error) and the editor's
 * diagnostics (which list every problem on its node): what the JSON schema cannot say.
 * Pure over a located JSON tree; it imports nothing outside this folder but jsonc-parser,
 * so the extension can import it as part of the sidecar's contract.
 */
import { parseTree, type ParseError } from 'jsonc-parser';
import { METHOD_CONFIG_RULES } from './methods';
import { CHAIN_RULES, COMMON_RULES } from './rules';
import { checkSources } from './sources';
import { contextOf, treeOf, type ConfigProblem, type Node, type RuleEnvironment } from './tree';

export { MAX_CONFIG_DEPTH, nestingDepth, parseConfigText, type ParsedConfig } from './parse';
export { MAX_EPOCHS } from './rules';
export { METHOD_CONFIG_RULES, type MethodConfigRules } from './methods';
export type { ConfigProblem, RuleEnvironment } from './tree';

export function checkConfigTree(root: Node, env?: RuleEnvironment): ConfigProblem[] {
  if (root.type !== 'object') return [];
  const { context, problems } = contextOf(root, env);
  const methodRules = METHOD_CONFIG_RULES[context.method]?.rules ?? [];
  for (const rule of [...CHAIN_RULES, ...methodRules, ...COMMON_RULES]) rule(context);
  checkSources(context);
  return problems;
}

/** The editor's text as typed (a syntax error elsewhere still lets the rest be checked). */
export function checkConfigText(text: string, env: RuleEnvironment): ConfigProblem[] {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true });
  return root ? checkConfigTree(root, env) : [];
}

/** A config value (the sidecar's, defaults filled); offsets are not meaningful. */
export function checkConfigValue(value: unknown, env?: RuleEnvironment): ConfigProblem[] {
  const root = treeOf(value);
  return root ? checkConfigTree(root, env) : [];
}
