/**
 * The contract of a run folder's metrics.jsonl, for every reader (sidecar, CLI,
 * extension, webview): one JSON record a line, and ONE record per key
 * (stage, epoch, step, metric). Epochs redone after a crash log their keys again; the
 * writer truncates the file to the last checkpoint on resume, and readers keep the last
 * record of each key all the same (a file written before that rule, or a crash between
 * two writes, must still read as one curve). Pure: no file system, no dependencies.
 */

import type { RunProgressParams } from './index';
import type { MetricRecord } from './runRecords';

export type { MetricRecord };

/**
 * Where a pretext progress report sits on a stage's axes: `step` counts steps since the
 * stage began, `epoch` the epochs done (fractional inside an epoch). An epoch's end is
 * (epoch e, step e * stepsPerEpoch), the key of its epoch record; a report inside an
 * epoch has a fractional epoch, so its per-step record never shares a key with one.
 */
export function stepPosition(p: Pick<RunProgressParams, 'epoch' | 'step' | 'stepsPerEpoch'>): {
  epoch: number;
  step: number;
} {
  return {
    step: (p.epoch - 1) * p.stepsPerEpoch + p.step,
    epoch: p.epoch - 1 + p.step / p.stepsPerEpoch,
  };
}

/**
 * Whether a record is an epoch's (or an evaluation's) rather than a per-step record of
 * the running means inside an epoch: readers that want one value per epoch keep these.
 */
export function isEpochRecord(r: Pick<MetricRecord, 'epoch'>): boolean {
  return Number.isInteger(r.epoch);
}

/** The identity of a record: a later record with the same key replaces it. */
export function metricKey(r: Pick<MetricRecord, 'stage' | 'epoch' | 'step' | 'metric'>): string {
  return `${r.stage}\u0000${r.epoch}\u0000${r.step}\u0000${r.metric}`;
}

function isRecord(value: unknown): value is MetricRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.stage === 'number' &&
    typeof r.epoch === 'number' &&
    typeof r.step === 'number' &&
    typeof r.metric === 'string' &&
    // NaN and Infinity are written as null by JSON.stringify: still a record.
    (typeof r.value === 'number' || r.value === null) &&
    typeof r.time === 'string'
  );
}

/**
 * The records of a metrics.jsonl text, one per key: the last written wins and takes
 * the place of its last write, so a redone epoch reads in the order it was trained.
 * Lines that are not whole records (the torn last line of a killed writer) are skipped.
 */
export function parseMetricsLog(text: string): MetricRecord[] {
  const byKey = new Map<string, MetricRecord>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      // Half a line from a killed process: the lines before it are whole.
      continue;
    }
    if (!isRecord(parsed)) continue;
    const key = metricKey(parsed);
    byKey.delete(key);
    byKey.set(key, parsed.value === null ? { ...parsed, value: NaN } : parsed);
  }
  return [...byKey.values()];
}
