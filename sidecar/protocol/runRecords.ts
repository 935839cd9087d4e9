/**
 * The records of the run store (sidecar/protocol/runStore.ts has the folder layout): pure
 * types, exported through the protocol index for every client, webviews included.
 */
import type { RunError } from './errors';

import type { DataSourcesRecord, RunLineage } from './dataSources';

export type RunStatus = 'completed' | 'stopped' | 'failed';

/** One line of metrics.jsonl (one per stage, epoch, step and metric: metricsLog.ts). */
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
  /** Length of metrics.jsonl when latestCheckpoint was written: a resume truncates to it. */
  metricsBytes?: number;
  /** What the data could not give as configured and was clamped (data/budgets.ts). */
  notes?: string[];
  error?: RunError;
  /** The pretext and evaluation images: counts per class, the split, leaks. */
  sources?: DataSourcesRecord;
  /** The run whose checkpoint the first stage started from (pretext.initFrom). */
  lineage?: RunLineage;
}
