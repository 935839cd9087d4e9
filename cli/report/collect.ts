/**
 * A sweep's finished runs, grouped the way the paper's tables are: one row per method
 * (with its scale chain) and input mode, one column per accuracy the runs recorded,
 * and per cell the value of every seed (seeds pair rows in the differences).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SweepManifest, SweepValue } from '../../sidecar/protocol/sweep';
import { isEpochRecord, parseMetricsLog } from '../../sidecar/protocol/metricsLog';
import { METRICS_FILE } from '../../sidecar/protocol/runStore';
import { readManifest } from '../sweep/sweepFolder';
import { readRunSummary, readTask } from '../sweep/taskState';

export interface ReportRun {
  variant: string;
  runDir: string;
  method: string;
  scales: number[];
  inputMode: string;
  seed: number;
  /** The variant's sweep values, to match the baseline. */
  values: Record<string, SweepValue>;
  config: Record<string, unknown>;
  metrics: Record<string, number>;
}

export interface ReportRow {
  /** e.g. "ScaleNet [0.5, 1]". */
  method: string;
  inputMode: string;
  runs: ReportRun[];
}

const METHOD_NAMES: Record<string, string> = {
  rotnet: 'RotNet',
  scalenet: 'ScaleNet',
  simclr: 'SimCLR',
};

export function methodLabel(method: string, scales: number[]): string {
  const name = METHOD_NAMES[method] ?? method;
  return method === 'rotnet' && scales.length === 1 && scales[0] === 1
    ? name
    : `${name} [${scales.join(', ')}]`;
}

/** The table's columns: pretext accuracy first, then fine-tune, linear, kNN by label budget. */
export function metricColumns(runs: ReportRun[]): string[] {
  const names = new Set<string>();
  for (const run of runs) {
    for (const key of Object.keys(run.metrics)) {
      if (/^(pretext\/accuracy$|finetune@|linear@|knn)/.test(key) && key.endsWith('accuracy')) {
        names.add(key);
      }
    }
  }
  const rank = (m: string) =>
    m === 'pretext/accuracy' ? 0 : m.startsWith('finetune') ? 1 : m.startsWith('linear') ? 2 : 3;
  const budget = (m: string) => Number(/@(\d+)/.exec(m)?.[1] ?? 0);
  return [...names].sort(
    (a, b) => rank(a) - rank(b) || budget(a) - budget(b) || a.localeCompare(b),
  );
}

export function collectRuns(
  sweepDir: string,
  manifest: SweepManifest = readManifest(sweepDir),
): ReportRun[] {
  const runs: ReportRun[] = [];
  for (const variant of manifest.variants) {
    const task = readTask(sweepDir, variant.index);
    const summary = task && readRunSummary(task.runDir);
    if (!task || summary?.status !== 'completed') continue;
    const configFile = join(task.runDir, 'config.json');
    if (!existsSync(configFile)) continue;
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as {
      method: string;
      seed: number;
      data: { inputMode: string };
      pretext: { scales: number[] };
    };
    runs.push({
      variant: variant.name,
      runDir: task.runDir,
      method: config.method,
      scales: config.pretext.scales,
      inputMode: config.data.inputMode,
      seed: config.seed,
      values: variant.values,
      config: config,
      metrics: summary.metrics,
    });
  }
  return runs;
}

export function groupRows(runs: ReportRun[]): ReportRow[] {
  const rows = new Map<string, ReportRow>();
  for (const run of runs) {
    const method = methodLabel(run.method, run.scales);
    const key = `${method}\u0000${run.inputMode}`;
    if (!rows.has(key)) rows.set(key, { method, inputMode: run.inputMode, runs: [] });
    rows.get(key)!.runs.push(run);
  }
  return [...rows.values()];
}

/** Whether a run belongs to the baseline: every baseline path has that value in its config. */
export function isBaseline(run: ReportRun, baseline: Record<string, SweepValue>): boolean {
  return Object.entries(baseline).every(([path, value]) => {
    let node: unknown = run.config;
    for (const part of path.split('.')) {
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
    }
    return JSON.stringify(node) === JSON.stringify(value);
  });
}

/** Per-epoch curves of one metric, from metrics.jsonl: epoch (counted across stages) → value. */
export function learningCurve(runDir: string, metric: string): { epoch: number; value: number }[] {
  const file = join(runDir, METRICS_FILE);
  if (!existsSync(file)) return [];
  // One record per key (a resumed run's redone epochs read once); per-step records left out.
  const points = parseMetricsLog(readFileSync(file, 'utf8')).filter(
    (r) => r.metric === metric && isEpochRecord(r),
  );
  // Epochs run on across stages.
  points.sort((a, b) => a.stage - b.stage || a.epoch - b.epoch);
  return points.map((p, i) => ({ epoch: i + 1, value: p.value }));
}
