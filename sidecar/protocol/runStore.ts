/**
 * The run store as a published contract: what a run folder holds, the records in it, and
 * where the runs folder of a config is. The sidecar writes it (sidecar/runs/), the CLI
 * and the extension read it through this module and the `runs/*` requests, so no client
 * re-derives a file name or a folder.
 *
 *   <runsDir>/<name>-<yyyymmdd-hhmmss>/
 *     config.json     the resolved config (written first: it marks a run folder)
 *     metrics.jsonl   one MetricRecord a line, one per key (metricsLog.ts)
 *     summary.json    a RunSummary, rewritten atomically as the run goes
 *     subset.json     the training and held-out image indices
 *     checkpoints/    one folder per checkpoint (written atomically)
 *     classifiers/    the fine-tuned classifier of each label budget (finetune@<labels>/)
 *     run.lock        while a process trains the run: its pid and host
 *
 * Imported by path (`sidecar/protocol/runStore`), not through the protocol index: it
 * reads the file system, and the webviews import the index.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { MetricRecord, RunSummary } from './runRecords';

export type { MetricRecord, RunSummary };

export const CONFIG_FILE = 'config.json';
export const METRICS_FILE = 'metrics.jsonl';
export const SUMMARY_FILE = 'summary.json';
export const SUBSET_FILE = 'subset.json';
export const CHECKPOINTS_DIR = 'checkpoints';

/** Where runs go when neither the config nor the setting says (ARCHITECTURE.md: the run store). */
export const DEFAULT_RUNS_DIR = '.scalenet/runs';

/** A run folder is one with a config.json: the writer puts it there before anything else. */
export function isRunFolder(path: string): boolean {
  return existsSync(join(path, CONFIG_FILE));
}

/** The run folders directly under runsDir, newest first (by when each config was written). */
export function listRunFolders(runsDir: string): string[] {
  if (!existsSync(runsDir)) return [];
  const runs = readdirSync(runsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(runsDir, d.name))
    .filter(isRunFolder);
  return newestFirst(runs);
}

/** Run folders from several runs folders, newest first, ties by path for a stable order. */
export function newestFirst(runDirs: string[]): string[] {
  const written = new Map(
    runDirs.map((dir) => [dir, statSync(join(dir, CONFIG_FILE), { throwIfNoEntry: false })]),
  );
  const time = (dir: string) => written.get(dir)?.mtimeMs ?? 0;
  return [...runDirs].sort((a, b) => time(b) - time(a) || (a < b ? 1 : a > b ? -1 : 0));
}

export interface RunsDirSources {
  /** The config file's folder, which a relative runsDir of the config resolves against. */
  configDir?: string;
  /** The config's own `runsDir`, as written (anything: it is checked here). */
  configRunsDir?: unknown;
  /** VS Code's `scalenet.runsDir` setting; '' or undefined when not set. */
  settingRunsDir?: string;
  /** The workspace folder holding the config, which a relative setting resolves against. */
  workspaceFolder?: string;
}

/**
 * THE runs folder of a config, for every component: the config's own `runsDir` relative to
 * the config's folder; else the `scalenet.runsDir` setting, relative to the workspace
 * folder; else `.scalenet/runs` there. Without a workspace folder (the CLI), relative
 * settings and the default resolve against the config's folder, else the working folder.
 */
export function resolveRunsDir(sources: RunsDirSources): string {
  const configDir = resolve(sources.configDir ?? '.');
  const own = sources.configRunsDir;
  if (typeof own === 'string' && own.trim() !== '') return resolve(configDir, own);
  const dir = sources.settingRunsDir?.trim() || DEFAULT_RUNS_DIR;
  return isAbsolute(dir) ? dir : resolve(sources.workspaceFolder ?? configDir, dir);
}

/** Whether a config names its own runs folder (then no setting overrides it). */
export function hasOwnRunsDir(config: unknown): boolean {
  const own = (config as { runsDir?: unknown } | null)?.runsDir;
  return typeof own === 'string' && own.trim() !== '';
}

/**
 * Whether the process that a summary or run.lock names still runs: a "running" run whose
 * writer is gone was interrupted, and its lock may be taken over. EPERM means it exists
 * but belongs to someone else.
 */
export function isProcessAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
