/**
 * The located JSON tree the config rules read: jsonc-parser's nodes, from the editor's
 * text (offsets point into it) or from a value (offsets meaningless; fields still exact).
 * A rule reports a ConfigProblem on the node of its field.
 */
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';

export type { Node } from 'jsonc-parser';
export type Path = (string | number)[];

export interface ConfigProblem {
  /** JSON path as the sidecar names it, e.g. `pretext.scales.1`; '' for the whole file. */
  field: string;
  /** The node's range in the text. */
  offset: number;
  length: number;
  /** What is wrong, after the field: "is not 1". */
  problem: string;
  /** What to do about it. */
  fix: string;
  /** `<field> <problem>. <fix>`, the sentence both the editor and a failed run show. */
  message: string;
  /** `error`: the sidecar refuses the config; `warning`: it runs, but not as written. */
  severity: 'error' | 'warning';
}

export interface RuleEnvironment {
  /** Folder of the config file: relative paths in it resolve against it. */
  configDir: string;
  /** Present where the rules may look at the disk (the editor); the sidecar reads later. */
  exists?: (path: string) => boolean;
}

/** What every rule gets: the tree, a finder, a reporter and the environment. */
export interface RuleContext {
  root: Node;
  node: (path: Path) => Node | undefined;
  add: (
    at: Node,
    field: string,
    problem: string,
    fix: string,
    severity?: 'error' | 'warning',
  ) => void;
  env: RuleEnvironment | undefined;
  /** The config's method, 'rotnet' (the schema's default) when it names none. */
  method: string;
}

export type ConfigRule = (context: RuleContext) => void;

export function contextOf(
  root: Node,
  env: RuleEnvironment | undefined,
): {
  context: RuleContext;
  problems: ConfigProblem[];
} {
  const problems: ConfigProblem[] = [];
  const node = (path: Path) => findNodeAtLocation(root, path);
  const context: RuleContext = {
    root,
    node,
    env,
    method: stringAt(node(['method'])) ?? 'rotnet',
    add: (at, field, problem, fix, severity = 'error') =>
      problems.push({
        field,
        offset: at.offset,
        length: at.length,
        problem,
        fix,
        message: `${field} ${problem}. ${fix}`,
        severity,
      }),
  };
  return { context, problems };
}

/** A plain value as a tree (the sidecar checks the config it resolved, not a text). */
export function treeOf(value: unknown): Node | undefined {
  return parseTree(JSON.stringify(value));
}

export function stringAt(node: Node | undefined): string | undefined {
  return node?.type === 'string' ? (node.value as string) : undefined;
}

/** The list's numbers, or undefined when it is not a list of numbers (the schema says so). */
export function numbers(node: Node | undefined): number[] | undefined {
  if (node?.type !== 'array' || !node.children) return undefined;
  const values = node.children.map((c) => c.value as unknown);
  return values.every((v) => typeof v === 'number') ? values : undefined;
}
