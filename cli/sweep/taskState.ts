/**
 * Which run folder a variant trains in (`tasks/N.json`, written by the task itself), and
 * what that run's summary.json says. The summary is the run store's public file format
 * (see sidecar/runs/runStore.ts); only its status, metrics and checkpoint are read here.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TaskRecord {
  runDir: string;
  /** The last time a task (re)started this variant. */
  startedAt: string;
  host: string;
  /** Slurm task id, e.g. "1234_3", when Slurm ran it. */
  jobId?: string;
  /** How the last attempt ended, as the task saw it. */
  exit?: { code: number; signal?: string; at: string };
}

export interface RunSummaryView {
  status: string;
  metrics: Record<string, number>;
  latestCheckpoint?: string;
  pid?: number;
}

const taskFile = (sweepDir: string, index: number) => join(sweepDir, 'tasks', `${index}.json`);

export function readTask(sweepDir: string, index: number): TaskRecord | undefined {
  const file = taskFile(sweepDir, index);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as TaskRecord) : undefined;
}

export function writeTask(sweepDir: string, index: number, record: TaskRecord): void {
  writeFileSync(taskFile(sweepDir, index), JSON.stringify(record, null, 2) + '\n');
}

export function readRunSummary(runDir: string): RunSummaryView | undefined {
  const file = join(runDir, 'summary.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunSummaryView;
  } catch {
    // Rewritten atomically, so a parse error means another writer's partial file: unknown.
    return undefined;
  }
}
