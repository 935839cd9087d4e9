/**
 * Which folders hold this workspace's runs: the `scalenet.runsDir` setting under each
 * workspace folder, plus every config's own `runsDir` (relative to the config, as the
 * sidecar and the CLI resolve it). No `vscode` import: unit-tested under plain Node.
 */
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
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
  const setting = options.settingRunsDir.trim() || join('.scalenet', 'runs');
  const folders = new Map<string, RunsFolder>();
  const add = (runsDir: string) => {
    const existing = folders.get(runsDir);
    if (existing) return existing;
    const created: RunsFolder = { runsDir, configs: [] };
    folders.set(runsDir, created);
    return created;
  };
  for (const ws of options.workspaceFolders) {
    add(isAbsolute(setting) ? setting : resolve(ws, setting));
  }
  for (const config of options.configs) {
    const parsed = parseConfigText(config.text);
    const value = (parsed.ok ? parsed.value : undefined) as
      { runsDir?: unknown; name?: unknown } | undefined;
    const own = typeof value?.runsDir === 'string' && value.runsDir.trim() !== '';
    const ws = options.workspaceFolders.find((w) => config.path.startsWith(w + '/'));
    const base = ws ?? dirname(config.path);
    const runsDir = own
      ? resolve(dirname(config.path), value.runsDir as string)
      : isAbsolute(setting)
        ? setting
        : resolve(base, setting);
    const name =
      typeof value?.name === 'string' && value.name.trim() !== ''
        ? value.name
        : basename(config.path, '.scalenet.json');
    add(runsDir).configs.push({ path: config.path, name });
  }
  return [...folders.values()];
}

/**
 * The config a run came from, for resuming it: the one with the run's name writing to
 * the run's folder, else the run's own resolved config.json (fine for absolute paths and
 * the embedded set).
 */
export function configForRun(run: { runDir: string; name: string }, folders: RunsFolder[]): string {
  const folder = folders.find((f) => f.runsDir === dirname(run.runDir));
  const match = folder?.configs.find((c) => c.name === run.name);
  return match?.path ?? join(run.runDir, 'config.json');
}
