/**
 * Every message between a panel host (extension/panels) and its webview (webview/<panel>),
 * as discriminated unions on `type`. Both ends import this file and handle the unions
 * with exhaustive switches (`assertNever`), so adding a message breaks the build of
 * every place that must handle it. Plain JSON only: it goes through postMessage.
 * Sidecar results are reused by type only (the webview bundle contains none of it).
 */
import type {
  GradcamComputeResult,
  GradcamMethod,
  GradcamTarget,
  HarrisParams,
  HarrisPreviewResult,
  ModelMapResult,
} from '../sidecar/protocol';

export type PanelKind = 'lossCurves' | 'harrisPreview' | 'attentionMaps' | 'representationMap';

// ---- Loss curves ----

/** One metric value, as a metrics.jsonl line says it (time as ms since 1970). */
export interface MetricPoint {
  /** 0-based stage of the scale chain. */
  stage: number;
  /** Steps since the stage began (metrics.jsonl's `step`). */
  step: number;
  /** Epochs since the stage began, fractional mid-epoch (1 = the end of the first). */
  epoch: number;
  /** e.g. `pretext/loss`, `pretext/accuracy`, `knn/accuracy`, `finetune/accuracy`. */
  metric: string;
  value: number;
  time: number;
}

/** Length of a stage when known (live progress says it before the stage ends). */
export interface StageLength {
  stage: number;
  steps: number;
  epochs: number;
  /** The stage's scale (alpha), for the boundary label. */
  scale?: number;
}

export interface RunSeries {
  runId: string;
  /** Legend text, e.g. `fashion-rotnet (20261129-220432)`. */
  label: string;
  points: MetricPoint[];
  stages: StageLength[];
}

export type XAxis = 'step' | 'epoch' | 'time';

export interface LossCurvesState {
  smoothing: number;
  xAxis: XAxis;
  logScale: boolean;
  hiddenRuns: string[];
  /** Runs shown, so a restored panel asks for the same ones. */
  runDirs: string[];
}

// ---- Harris preview ----

export interface HarrisPreviewState {
  configPath: string;
  harris: HarrisParams;
  count: number;
}

// ---- Attention maps ----

export interface AttentionRun {
  runDir: string;
  label: string;
  /** Named outputs of its model (`stage1`..., `block1`...). */
  stages: string[];
  method: string;
}

export type AttentionImages =
  { kind: 'dataset'; indices: number[] } | { kind: 'png'; images: string[]; names: string[] };

export interface AttentionRequest {
  runDirs: string[];
  images: AttentionImages;
  stages: string[];
  method: GradcamMethod;
  target: GradcamTarget;
}

export interface AttentionRow {
  runDir: string;
  label: string;
  /** Absent when this run failed; `error` says why. */
  result?: GradcamComputeResult;
  error?: string;
}

export interface AttentionMapsState {
  selectedRuns: string[];
  stages: string[];
  method: GradcamMethod;
  indices: string;
  opacity: number;
}

/** Any panel's saved state (vscode.setState; given back by the serializer on reload). */
export type PanelState =
  | { panel: 'lossCurves'; state: LossCurvesState }
  | { panel: 'harrisPreview'; state: HarrisPreviewState }
  | { panel: 'attentionMaps'; state: AttentionMapsState };

// ---- Host → webview ----

export type HostMessage =
  /** The whole history of the runs shown (metrics.jsonl), replacing what was there. */
  | { type: 'lossCurves/history'; runs: RunSeries[]; state?: LossCurvesState }
  /** Live points of one run (from `run/progress`), appended. `sentAt`: Date.now() on send. */
  | {
      type: 'lossCurves/append';
      runId: string;
      label: string;
      points: MetricPoint[];
      stage?: StageLength;
      sentAt: number;
    }
  | { type: 'harris/init'; state: HarrisPreviewState; scales: number[] }
  | { type: 'harris/result'; requestId: number; result: HarrisPreviewResult }
  | { type: 'harris/error'; requestId: number; message: string }
  | { type: 'attention/init'; runs: AttentionRun[]; state?: AttentionMapsState }
  | { type: 'attention/result'; requestId: number; rows: AttentionRow[] }
  | { type: 'attention/progress'; requestId: number; done: number; total: number }
  /** Representation maps (`model/map`) of one or more runs, drawn side by side. */
  | { type: 'map/show'; maps: ModelMapResult[] }
  /** The answer to `export`/`harris/writeBack`: where it went, or why not. */
  | { type: 'notice'; level: 'info' | 'error'; message: string };

// ---- Webview → host ----

export type WebviewMessage =
  /** The script has started and listens: the host sends the panel's data now. */
  | { type: 'ready'; panel: PanelKind }
  | { type: 'state'; state: PanelState }
  /** A chart drew points: how long after the host sent them (ms), for measuring. */
  | { type: 'lossCurves/drawn'; latencyMs: number; points: number }
  | { type: 'harris/request'; requestId: number; harris: HarrisParams; count: number }
  | { type: 'harris/writeBack'; harris: HarrisParams }
  | { type: 'attention/request'; requestId: number; request: AttentionRequest }
  /** Save a file the webview made (CSV text or PNG base64) where the user chooses. */
  | { type: 'export'; format: 'csv' | 'png'; fileName: string; data: string };

/** The default of a switch over a union: compiles only when every case is handled. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled message: ${JSON.stringify(value)}`);
}
