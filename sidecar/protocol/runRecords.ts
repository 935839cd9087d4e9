/**
 * The records of the run store (sidecar/protocol/runStore.ts has the folder layout): pure
 * types, exported through the protocol index for every client, webviews included.
 */

import type { DataSourcesRecord, RunLineage } from './dataSources';

export type RunStatus = 'completed' | 'stopped' | 'failed';

export interface RunError {
  /** Stable code: `config`, `data`, `out-of-memory`, `backend`, `internal`. */
  code: string;
  message: string;
  /** The file, and the JSON path of the field, when the error is about one. */
  file?: string;
  field?: string;
  /** What the user can do about it. */
  fix?: string;
}

/** One line of metrics.jsonl. */
export interface MetricRecord {
  run: string;
  stage: number;
  epoch: number;
  step: number;
  metric: string;
  value: number;
  time: string;
}

/** summary.json. */
export interface RunSummary {
  runId: string;
  name: string;
  status: RunStatus | 'running';
  startedAt: string;
  updatedAt: string;
  backend: string;
  /** The sidecar process that writes this run while it is running. */
  pid?: number;
  metrics: Record<string, number>;
  /** Checkpoint folder (relative to the run folder) a resume starts from. */
  latestCheckpoint?: string;
  error?: RunError;
  /** The pretext and evaluation images: counts per class, the split, leaks. */
  sources?: DataSourcesRecord;
  /** The run whose checkpoint the first stage started from (pretext.initFrom). */
  lineage?: RunLineage;
}
