/** The loss-curves panel's channel: history and live points in, a draw report out. */
import type { PanelChannel } from './common';

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

/**
 * `time`: seconds of training (pauses between a stop and its resume left out);
 * `wallTime`: the clock time of each point.
 */
export type XAxis = 'step' | 'epoch' | 'time' | 'wallTime';

export interface LossCurvesState {
  smoothing: number;
  xAxis: XAxis;
  logScale: boolean;
  hiddenRuns: string[];
  /** Runs shown, so a restored panel asks for the same ones. */
  runDirs: string[];
}

export type LossCurvesHostMessage =
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
    };

export type LossCurvesWebviewMessage =
  /** A chart drew points: how long after the host sent them (ms), for measuring. */
  { type: 'lossCurves/drawn'; latencyMs: number; points: number };

// The loss curves ask nothing: everything comes from the host.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type LossCurvesRequests = {};

export type LossCurvesChannel = PanelChannel<
  LossCurvesState,
  LossCurvesHostMessage,
  LossCurvesWebviewMessage,
  LossCurvesRequests
>;
