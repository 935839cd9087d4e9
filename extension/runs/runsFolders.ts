/**
 * Which folders hold this workspace's runs: the `scalenet.runsDir` setting under each
 * workspace folder, plus every config's own `runsDir` (relative to the config, as the
 * sidecar and the CLI resolve it). No `vscode` import: unit-tested under plain Node.
 */
import { basename, dirname, join } from 'node:path';
import {
  CONFIG_FILE,
  listRunFolders,
  newestFirst,
  resolveRunsDir,
} from '../../sidecar/protocol/runStore';
import { parseConfigText } from '../configText';

export interface ConfigSource {
  /** Absolute path of a `*.scalenet.json`. */
  path: string;
  text: string;
}

export interface RunsFolder {
  runsDir: string;
  /** Configs whose runs go here, to resume a run with its own config (relative data paths). */
  configs: { path: string; name: string }[];
}

export function runsFolders(options: {
  settingRunsDir: string;
  workspaceFolders: string[];
  configs: ConfigSource[];
}): RunsFolder[] {
  const folders = new Map<string, RunsFolder>();
  const add = (runsDir: string) => {
    const existing = folders.get(runsDir);
    if (existing) return existing;
    const created: RunsFolder = { runsDir, configs: [] };
    folders.set(runsDir, created);
    return created;
  };
  for (const ws of options.workspaceFolders) {
    add(resolveRunsDir({ settingRunsDir: options.settingRunsDir, workspaceFolder: ws }));
  }
  for (const config of options.configs) {
    const parsed = parseConfigText(config.text);
    const value = (parsed.ok ? parsed.value : undefined) as
      { runsDir?: unknown; name?: unknown } | undefined;
    const runsDir = resolveRunsDir({
      configDir: dirname(config.path),
      configRunsDir: value?.runsDir,
      settingRunsDir: options.settingRunsDir,
      workspaceFolder: options.workspaceFolders.find((w) => config.path.startsWith(w + '/')),
    });
    const name =
      typeof value?.name === 'string' && value.name.trim() !== ''
        ? value.name
        : basename(config.path, '.scalenet.json');
    add(runsDir).configs.push({ path: config.path, name });
  }
  return [...folders.values()];
}

/**
 * The runs the panels' pickers offer (loss curves, attention maps): the newest run
 * folders of every runs folder of the workspace, the setting's and each config's own.
 */
export function pickerRunDirs(folders: RunsFolder[], max: number): string[] {
  return newestFirst(folders.flatMap((f) => listRunFolders(f.runsDir))).slice(0, max);
}

/**
 * The config a run came from, for resuming it: the one with the run's name writing to
 * the run's folder, else the run's own resolved config.json (fine for absolute paths and
 * the embedded set).
 */
export function configForRun(run: { runDir: string; name: string }, folders: RunsFolder[]): string {
  const folder = folders.find((f) => f.runsDir === dirname(run.runDir));
  const match = folder?.configs.find((c) => c.name === run.name);
  return match?.path ?? join(run.runDir, CONFIG_FILE);
}
