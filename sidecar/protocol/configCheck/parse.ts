/**
 * THE parser of `*.scalenet.json` texts for every component: JSON with comments and
 * trailing commas (the configs "New Config" writes are commented), refusing nesting
 * deeper than any config has before a recursive parser or validator could overflow.
 */
import { createScanner, parse, printParseErrorCode, type ParseError } from 'jsonc-parser';

/** A config nests four levels (evaluation.finetune.augment...); 32 leaves ample room. */
export const MAX_CONFIG_DEPTH = 32;

export type ParsedConfig =
  { ok: true; value: unknown } | { ok: false; message: string; line: number; column: number };

function located(text: string, offset: number, message: string): ParsedConfig {
  const lines = text.slice(0, offset).split('\n');
  return { ok: false, message, line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/** jsonc-parser's SyntaxKind values (a const enum, which isolated modules cannot read). */
const OPEN_BRACE = 1;
const CLOSE_BRACE = 2;
const OPEN_BRACKET = 3;
const CLOSE_BRACKET = 4;
const EOF = 17;

/** The offset where the text first nests deeper than `max`, if it does (no recursion). */
function tooDeepAt(text: string, max: number): number | undefined {
  const scanner = createScanner(text, true);
  let depth = 0;
  for (let kind: number = scanner.scan(); kind !== EOF; kind = scanner.scan()) {
    if (kind === OPEN_BRACE || kind === OPEN_BRACKET) {
      if (++depth > max) return scanner.getTokenOffset();
    } else if (kind === CLOSE_BRACE || kind === CLOSE_BRACKET) {
      depth--;
    }
  }
  return undefined;
}

export function parseConfigText(text: string): ParsedConfig {
  const deep = tooDeepAt(text, MAX_CONFIG_DEPTH);
  if (deep !== undefined) {
    return located(text, deep, `nests deeper than ${MAX_CONFIG_DEPTH} levels`);
  }
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true });
  const first = errors[0];
  if (!first) return { ok: true, value };
  // "CommaExpected" → "comma expected"
  const words = printParseErrorCode(first.error)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return located(text, first.offset, words);
}

/** How deep a value nests (iterative: a value sent over JSON-RPC can be arbitrarily deep). */
export function nestingDepth(value: unknown, stopAt = MAX_CONFIG_DEPTH + 1): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest >= stopAt) return deepest;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return deepest;
}
