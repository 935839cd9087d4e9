/**
 * Reading a finished or running run without parsing its files: its metric history (for
 * the charts) and its named stages (for Grad-CAM's pickers). The sidecar reads the run
 * store; the clients never re-derive its format or the model's layer names.
 */
import { RequestType } from 'vscode-jsonrpc';
import type { Method } from './config';
import type { MetricRecord } from './runRecords';

export interface RunFolderParams {
  /** Absolute path of a run folder. */
  runDir: string;
}

export interface RunHistory {
  runId: string;
  /** metrics.jsonl, one record per (stage, epoch, step, metric), in the order written. */
  records: MetricRecord[];
  /** The pretext chain's scales, one per stage. */
  scales: number[];
}

export namespace RunsHistoryRequest {
  export const method = 'runs/history' as const;
  export const type = new RequestType<RunFolderParams, RunHistory, void>(method);
}

export interface RunStages {
  method: Method;
  /** The model's named outputs Grad-CAM can explain (`stage1..N` or `block1..N`), in order. */
  stages: string[];
}

export namespace RunsStagesRequest {
  export const method = 'runs/stages' as const;
  export const type = new RequestType<RunFolderParams, RunStages, void>(method);
}
