/**
 * The JSON-RPC contract between the sidecar and its clients (the extension host and the
 * CLI). Every request and notification is in this folder and nowhere else (runs here,
 * inspection in inspect.ts, Grad-CAM in gradcam.ts); both ends import this file. Style after vscode-languageserver-node: one namespace per message, `area/verb`
 * method names, params always one named object, plain-JSON results.
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { BackendPreference, ScaleNetConfig } from './config';
import type { ErrorData, RunError } from './errors';
import type { RunStatus } from './runRecords';
import type { DataSourcesRecord, RunLineage } from './dataSources';

export * from './config';
export * from './dataSources';

/** Bumped on any incompatible change; `initialize` fails when the two ends disagree. */
export const PROTOCOL_VERSION = 1;

/**
 * tfjs backend names: `torch` is the project's backend on libtorch (sidecar/backend/torch),
 * `tensorflow` is what tfjs-node-gpu registers.
 */
export type BackendName = 'torch' | 'tensorflow' | 'wasm' | 'cpu';

/** What a native backend runs on, for the log, `scalenet info` and the status bar's tooltip. */
export interface BackendDevice {
  /** "cpu", "cuda:0", "mps". */
  device: string;
  /** Compute threads (at::get_num_threads for torch). */
  threads?: number;
  /** The native library underneath: libtorch's version and the folder it was loaded from. */
  library?: { name: string; version?: string; path: string };
}

export interface RejectedBackend {
  backend: BackendName;
  /** Why it was not used, in words a user can act on. */
  reason: string;
}

export interface BackendReport {
  name: BackendName;
  /** What to show: e.g. "tfjs-node-gpu (CUDA)", "WebAssembly (SIMD, 1 thread)". */
  label: string;
  /** Better backends that were tried first and why each was not used. */
  rejected: RejectedBackend[];
  /** True when the choice came from an override rather than `auto`. */
  forced: boolean;
  /** Device, threads and native library, where the backend has them (torch). */
  device?: BackendDevice;
}

export interface InitializeParams {
  /** Who is asking, for the log: "vscode", "cli", "test". */
  clientName: string;
  protocolVersion: number;
  /** Overrides the environment variable SCALENET_BACKEND and `auto`. */
  backend?: BackendPreference;
}

export interface InitializeResult {
  version: string;
  protocolVersion: number;
  backend: BackendReport;
  pid: number;
  nodeVersion: string;
  tfjsVersion: string;
}

/** Client → sidecar: the first request; chooses and reports the compute backend. */
export namespace InitializeRequest {
  export const method = 'initialize' as const;
  export const type = new RequestType<InitializeParams, InitializeResult, void>(method);
}

export type ShutdownParams = Record<string, never>;

/** Client → sidecar: stop every run (each writes a checkpoint), then answer; exit follows. */
export namespace ShutdownRequest {
  export const method = 'shutdown' as const;
  export const type = new RequestType<ShutdownParams, null, void>(method);
}

export interface RunStartParams {
  /** Absolute path of the config file: relative paths inside it resolve against its folder. */
  configPath: string;
  /** The config's JSON when the client has it (e.g. an unsaved editor); else read from configPath. */
  config?: unknown;
  /** Overrides the config's runsDir (absolute). */
  runsDir?: string;
  /** Absolute path of a run folder to continue from its last checkpoint. */
  resume?: string;
}

export interface RunStartResult {
  runId: string;
  runDir: string;
  config: ScaleNetConfig;
}

/** Client → sidecar: start a training run; progress and the end arrive as notifications. */
export namespace RunStartRequest {
  export const method = 'run/start' as const;
  export const type = new RequestType<RunStartParams, RunStartResult, ErrorData>(method);
}

export interface RunStopParams {
  runId: string;
}

export interface RunStopResult {
  /** False when no such run was active. */
  stopping: boolean;
}

/** Client → sidecar: stop at the next batch and write a checkpoint; `run/finished` follows. */
export namespace RunStopRequest {
  export const method = 'run/stop' as const;
  export const type = new RequestType<RunStopParams, RunStopResult, void>(method);
}

export type RunPhase = 'loading' | 'pretext' | 'evaluating' | 'checkpoint';

export interface RunProgressParams {
  runId: string;
  phase: RunPhase;
  /** 0-based index into the scale chain, and its length. */
  stage: number;
  stageCount: number;
  /** The scale of this stage (alpha) and the input size it gives. */
  scale: number;
  inputSize: number;
  /** 1-based epoch within the stage. */
  epoch: number;
  epochs: number;
  /** 1-based step within the epoch. */
  step: number;
  stepsPerEpoch: number;
  /** Running means over the epoch so far. */
  loss: number;
  accuracy: number;
  lr: number;
  imagesPerSecond: number;
  /** Seconds to the end of the whole run (pretext stages and evaluation), estimated from
   * the throughput so far; negative while there is nothing to estimate from yet. */
  etaSeconds: number;
  /** Held-out pretext accuracy of the last finished epoch, when measured. */
  validationAccuracy?: number;
  /** At the end of an epoch: every metric logged for it (e.g. `knn/accuracy`). */
  epochMetrics?: Record<string, number>;
  message?: string;
  /** While evaluating: the downstream task (0-based, fine-tune budgets then linear
   * probes), how many there are, and how far into this one (0-1). */
  evaluationTask?: EvaluationTaskProgress;
}

export interface EvaluationTaskProgress {
  index: number;
  count: number;
  fraction: number;
  /** e.g. "fine-tune, 400 labels". */
  name: string;
}

/** Sidecar → client: throttled (a few per second at most) progress of a run. */
export namespace RunProgressNotification {
  export const method = 'run/progress' as const;
  export const type = new NotificationType<RunProgressParams>(method);
}

/** A run a process is driving: the sidecar, the extension's supervisor and its tracker each keep one per run, adding what they need. */
export interface ActiveRunInfo {
  runId: string;
  runDir: string;
  /** Its latest progress, once there is one. */
  progress?: RunProgressParams;
}

export interface RunFinishedParams {
  runId: string;
  runDir: string;
  status: RunStatus;
  /** Final metrics, e.g. `pretext/accuracy`, `pretext/loss`, per stage `stage1/...`. */
  metrics: Record<string, number>;
  error?: RunError;
  /** The checkpoint a resume would start from, when one was written. */
  checkpoint?: string;
}

/** Sidecar → client: a run ended (completed, stopped by request, or failed). */
export namespace RunFinishedNotification {
  export const method = 'run/finished' as const;
  export const type = new NotificationType<RunFinishedParams>(method);
}

export interface SidecarExitingParams {
  reason: string;
  exitCode: number;
}

/** Sidecar → client: the last message before the process exits, saying why. */
export namespace SidecarExitingNotification {
  export const method = 'sidecar/exiting' as const;
  export const type = new NotificationType<SidecarExitingParams>(method);
}

export interface RunsListParams {
  /** Absolute folder holding run folders. */
  runsDir: string;
}

export interface RunInfo {
  runId: string;
  runDir: string;
  name: string;
  /** `interrupted`: the summary says running but its process is gone (killed or crashed). */
  status: RunStatus | 'running' | 'interrupted' | 'unknown';
  method: string;
  scales: number[];
  inputMode: string;
  seed: number;
  startedAt?: string;
  updatedAt?: string;
  metrics: Record<string, number>;
  /** Absolute path of the checkpoint a resume would start from. */
  latestCheckpoint?: string;
  /** The run its first stage started from (pretext.initFrom). */
  lineage?: RunLineage;
  /** Its pretext and evaluation images (counts per class, split, leaks). */
  sources?: DataSourcesRecord;
}

/** Client → sidecar: the runs in a runs folder, newest first, from their summary files. */
export namespace RunsListRequest {
  export const method = 'runs/list' as const;
  export const type = new RequestType<RunsListParams, RunInfo[], void>(method);
}

export * from './inspect';
export * from './gradcam';
export * from './results';
export * from './runHistory';
export * from './runRecords';
export * from './errors';
export * from './export';
export * from './representationMap';
