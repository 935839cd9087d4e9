/**
 * Reading a `*.scalenet.json` as the editor holds it, and where its runs go. No `vscode`
 * import: unit-tested under plain Node.
 */
import { hasOwnRunsDir, resolveRunsDir } from '../sidecar/protocol/runStore';

/**
 * JSON with comments and trailing commas, parsed by the sidecar's own parser (one for
 * every component), so that what the extension accepts the sidecar accepts too.
 */
export { parseConfigText, type ParsedConfig } from '../sidecar/protocol/configCheck';

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
