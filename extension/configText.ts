/**
 * Reading a `*.scalenet.json` as the editor holds it, and where its runs go. No `vscode`
 * import: unit-tested under plain Node.
 */
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { hasOwnRunsDir, resolveRunsDir } from '../sidecar/protocol/runStore';

export type ParsedConfig =
  { ok: true; value: unknown } | { ok: false; message: string; line: number; column: number };

/**
 * JSON with comments and trailing commas, parsed with the same parser and options as the
 * sidecar (sidecar/config/resolveConfig.ts), so that what the extension accepts the
 * sidecar accepts too. The starting configs the extension writes are commented.
 */
export function parseConfigText(text: string): ParsedConfig {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true });
  const first = errors[0];
  if (!first) return { ok: true, value };
  const lines = text.slice(0, first.offset).split('\n');
  return {
    ok: false,
    // "CommaExpected" → "comma expected"
    message: printParseErrorCode(first.error)
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase(),
    line: lines.length,
    column: (lines.at(-1)?.length ?? 0) + 1,
  };
}

/**
 * The `runsDir` to send with `run/start`, absolute, or undefined to leave it to the
 * sidecar. A config that names its own runsDir keeps it: the sidecar resolves that
 * against the config's folder, as the CLI does, so both write to the same place.
 * Otherwise the setting applies, as the one resolver of the run store says
 * (sidecar/protocol/runStore.ts `resolveRunsDir`).
 */
export function runsDirOverride(options: {
  configRunsDir: unknown;
  settingRunsDir: string;
  workspaceFolder: string | undefined;
  configDir: string;
}): string | undefined {
  if (hasOwnRunsDir({ runsDir: options.configRunsDir })) return undefined;
  return resolveRunsDir({
    configDir: options.configDir,
    settingRunsDir: options.settingRunsDir,
    workspaceFolder: options.workspaceFolder,
  });
}
