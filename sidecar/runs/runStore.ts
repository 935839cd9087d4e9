/**
 * Writing and reading run folders. Their layout and records are a published contract
 * (protocol/runStore.ts), shared with the CLI and the extension.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ScaleNetConfig } from '../protocol';
import {
  CHECKPOINTS_DIR,
  CONFIG_FILE,
  isRunFolder,
  METRICS_FILE,
  SUMMARY_FILE,
  type MetricRecord,
  type RunSummary,
} from '../protocol/runStore';
import { writeFileAtomic } from '../util/atomicWrite';

export {
  CHECKPOINTS_DIR,
  CONFIG_FILE,
  METRICS_FILE,
  SUBSET_FILE,
  SUMMARY_FILE,
  type MetricRecord,
  type RunSummary,
} from '../protocol/runStore';

function timestamp(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-` +
    `${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`
  );
}

/** Creates a new, unique run folder and writes the resolved config into it. */
export function createRunDir(runsDir: string, config: ScaleNetConfig, now = new Date()): string {
  mkdirSync(runsDir, { recursive: true });
  const base = `${config.name}-${timestamp(now)}`;
  let dir = join(runsDir, base);
  for (let n = 2; existsSync(dir); n++) dir = join(runsDir, `${base}-${n}`);
  mkdirSync(join(dir, CHECKPOINTS_DIR), { recursive: true });
  writeFileAtomic(join(dir, CONFIG_FILE), JSON.stringify(config, null, 2) + '\n');
  return dir;
}

export function readRunConfig(runDir: string): ScaleNetConfig {
  return JSON.parse(readFileSync(join(runDir, CONFIG_FILE), 'utf8')) as ScaleNetConfig;
}

/** Appends metric lines; each append is one write, so a crash loses at most the last line. */
export class MetricsLog {
  constructor(
    private readonly file: string,
    private readonly runId: string,
  ) {}

  append(stage: number, epoch: number, step: number, values: Record<string, number>): void {
    const time = new Date().toISOString();
    const lines = Object.entries(values).map(([metric, value]) =>
      JSON.stringify({
        run: this.runId,
        stage,
        epoch,
        step,
        metric,
        value,
        time,
      } satisfies MetricRecord),
    );
    if (lines.length > 0) appendFileSync(this.file, lines.join('\n') + '\n');
  }
}

/** Reads metrics.jsonl, skipping a torn last line left by a crash. */
export function readMetrics(runDir: string): MetricRecord[] {
  const file = join(runDir, METRICS_FILE);
  if (!existsSync(file)) return [];
  const records: MetricRecord[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      records.push(JSON.parse(line) as MetricRecord);
    } catch {
      // A half-written line from a killed process: everything before it is intact.
    }
  }
  return records;
}

export function writeSummary(runDir: string, summary: RunSummary): void {
  writeFileAtomic(join(runDir, SUMMARY_FILE), JSON.stringify(summary, null, 2) + '\n');
}

export function readSummary(runDir: string): RunSummary | undefined {
  const file = join(runDir, SUMMARY_FILE);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as RunSummary;
}

/** Run folders under runsDir, newest first. */
export function listRuns(runsDir: string): string[] {
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && isRunFolder(join(runsDir, d.name)))
    .map((d) => join(runsDir, d.name))
    .sort()
    .reverse();
}
