/**
 * The JSON-RPC contract between the sidecar and its clients (the extension host and the
 * CLI). Every request and notification is here and nowhere else; both ends import this
 * file. Style after vscode-languageserver-node: one namespace per message, `area/verb`
 * method names, params always one named object, plain-JSON results.
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type {
  BackendPreference,
  DatasetKind,
  HarrisParams,
  InputMode,
  ScaleNetConfig,
} from './config';

export * from './config';

/** Bumped on any incompatible change; `initialize` fails when the two ends disagree. */
export const PROTOCOL_VERSION = 1;

/** tfjs backend names: `tensorflow` is what tfjs-node-gpu registers. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

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
  export const type = new RequestType<RunStartParams, RunStartResult, ConfigError>(method);
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
  /** Seconds to the end of the whole run, estimated from the throughput so far. */
  etaSeconds: number;
  /** Held-out pretext accuracy of the last finished epoch, when measured. */
  validationAccuracy?: number;
  /** At the end of an epoch: every metric logged for it (e.g. `knn/accuracy`). */
  epochMetrics?: Record<string, number>;
  message?: string;
}

/** Sidecar → client: throttled (a few per second at most) progress of a run. */
export namespace RunProgressNotification {
  export const method = 'run/progress' as const;
  export const type = new NotificationType<RunProgressParams>(method);
}

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

/** The `data` of a `run/start` error response for a bad config. */
export interface ConfigError {
  file: string;
  field: string;
  /** What is wrong with the field, without the file, the field or the fix. */
  problem: string;
  fix: string;
}

// Seeing the data before training: Harris previews, dataset summaries, the input grid.

/** Data of the error response of `harris/preview`, `data/inspect`, `data/preview`. */
export interface LocatedErrorData {
  /** The config, dataset file or image the problem is in. */
  file: string;
  /** JSON path of the config field, for config errors. */
  field?: string;
  /** Byte offset in the file, for corrupt dataset files. */
  offset?: number;
  /** What the user can do about it. */
  fix: string;
}

/** Error codes of those requests (config: the same code as a bad config in `run/start`). */
export const InspectErrorCode = {
  config: 4,
  internal: 5,
  data: 6,
  invalidParams: -32602,
} as const;

export type DatasetSplit = 'train' | 'test';

/** Which images to look at. */
export type ImageSource =
  /** A run config file (its data section); `config` is its unsaved JSON when the client has it. */
  | { kind: 'config'; configPath: string; config?: unknown }
  /** A bare `data` section; relative paths in it resolve against `baseDir`. */
  | { kind: 'data'; data: unknown; baseDir: string }
  /** PNG or JPEG files (absolute paths), each kept at its own size, as RGB. */
  | { kind: 'files'; paths: string[] };

export interface HarrisPreviewParams {
  source: ImageSource;
  /** Dataset sources: indices into the split. Default: the first `count` pretext images. */
  indices?: number[];
  /** Images when `indices` is absent (default 16, at most 256); files: all of them. */
  count?: number;
  /** Dataset sources: which split (default `train`). */
  split?: DatasetSplit;
  /** Overrides the config's detector parameters (files: OpenCV's defaults). */
  harris?: Partial<HarrisParams>;
  /** Scales (alphas in (0, 1]); default the config's pretext.scales, or [1] for files. */
  scales?: number[];
  /** RGB colour of the corners in `overlay` (default red). */
  overlayColor?: [number, number, number];
}

/** One image at one scale. Images are PNG files as base64 (prefix `data:image/png;base64,`). */
export interface HarrisPreviewView {
  scale: number;
  width: number;
  height: number;
  /** Corners at this scale; gray-Harris has the same ones, since pseudo-gray keeps the luma. */
  corners: number;
  original: string;
  /** The original with the corners drawn in `overlayColor`. */
  overlay: string;
  /** What the network sees in `harris` mode: corners set to 255 in every channel. */
  harris: string;
  gray: string;
  grayHarris: string;
  /** White corners on black. */
  mask: string;
}

export interface HarrisPreviewImage {
  /** Dataset sources: index into the split, label and class name. */
  index?: number;
  label?: number;
  className?: string;
  /** File sources: the path. */
  file?: string;
  /** Corners at the last (largest) scale. */
  corners: number;
  scales: HarrisPreviewView[];
}

export interface HarrisPreviewResult {
  /** The detector parameters used (config or defaults, then the overrides). */
  harris: HarrisParams;
  scales: number[];
  /** Dataset sources: the dataset's name and the split. */
  dataset?: string;
  split?: DatasetSplit;
  images: HarrisPreviewImage[];
  /** Time spent in the sidecar, loading included. */
  elapsedMs: number;
}

/** Client → sidecar: Harris corners, masks and images of a few images at every scale. */
export namespace HarrisPreviewRequest {
  export const method = 'harris/preview' as const;
  export const type = new RequestType<HarrisPreviewParams, HarrisPreviewResult, LocatedErrorData>(
    method,
  );
}

export interface DataInspectParams {
  /** Absolute path of the config file. */
  configPath: string;
  /** Its JSON when the client has it (e.g. an unsaved editor). */
  config?: unknown;
  /** Sample images, spread over the classes of the pretext subset (default 8, at most 64). */
  samples?: number;
}

export interface SplitSummary {
  count: number;
  /** Images per class (index = label). */
  classCounts: number[];
}

export interface DataSample {
  split: DatasetSplit;
  index: number;
  label: number;
  className: string;
  /** As the network gets it before the input mode (channels applied), PNG base64. */
  png: string;
}

export interface DataInspectResult {
  dataset: DatasetKind;
  /** e.g. `fashion-mnist`, or the folder's name. */
  name: string;
  /** Absolute dataset path, when the dataset has one. */
  path?: string;
  height: number;
  width: number;
  /** Channels the network sees (data.channels). */
  channels: number;
  classNames: string[];
  train: SplitSummary;
  /** Absent when the test split cannot be loaded; `testProblem` says why. */
  test?: SplitSummary;
  testProblem?: LocatedErrorData & { message: string };
  /** What the config selects: pretext images (limit / perClass) and held-out test images. */
  subset: {
    selection: 'all' | 'limit' | 'perClass';
    pretext: number;
    pretextClassCounts: number[];
    heldOut: number;
  };
  inputMode: InputMode;
  /** The input side length at each scale of the chain. */
  scales: { scale: number; size: number }[];
  samples: DataSample[];
}

/** Client → sidecar: what a config's data is (sizes, classes, subset) with a few samples. */
export namespace DataInspectRequest {
  export const method = 'data/inspect' as const;
  export const type = new RequestType<DataInspectParams, DataInspectResult, LocatedErrorData>(
    method,
  );
}

export interface DataPreviewParams {
  configPath: string;
  config?: unknown;
  /** Rows: the first pretext images (default 8, at most 64). */
  count?: number;
  /** Cell side = full-scale side x zoom (default: the smallest zoom giving at least 64 px). */
  zoom?: number;
}

export interface DataPreviewColumn {
  mode: InputMode;
  scale: number;
  /** The side length the network sees at this scale (the cell is upscaled from it). */
  size: number;
}

export interface DataPreviewResult {
  /** The grid as a PNG file, base64. */
  png: string;
  width: number;
  height: number;
  /** Layout: width = columns x cellSize + (columns + 1) x separator; the same for rows. */
  cellSize: number;
  separator: number;
  rows: { index: number; label: number; className: string }[];
  /** Scale by scale, each with every input mode; hybrid shows the first epoch's choice. */
  columns: DataPreviewColumn[];
}

/** Client → sidecar: one PNG grid of what the network sees: images x (scale, input mode). */
export namespace DataPreviewRequest {
  export const method = 'data/preview' as const;
  export const type = new RequestType<DataPreviewParams, DataPreviewResult, LocatedErrorData>(
    method,
  );
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
}

/** Client → sidecar: the runs in a runs folder, newest first, from their summary files. */
export namespace RunsListRequest {
  export const method = 'runs/list' as const;
  export const type = new RequestType<RunsListParams, RunInfo[], void>(method);
}

// Grad-CAM: where a trained network looks, per named stage/block.

export type GradcamMethod = 'gradcam' | 'gradcam++';

/** Which logit a map explains. */
export type GradcamTarget =
  /** The class the network predicts for each image. */
  | { kind: 'predicted' }
  /** One head output (class index) for every image. */
  | { kind: 'class'; index: number }
  /** Rotation models: the image turned by `rotation` x 90° (counter-clockwise), explaining
   * that rotation label; the map is turned back so it lies over the upright image. */
  | { kind: 'rotation'; rotation: 0 | 1 | 2 | 3 };

/** Which images to explain. */
export type GradcamImages =
  /** Dataset images by index (split default `test`: images the run never trained on); the
   * run's own config.json unless `configPath` names another. */
  | { kind: 'dataset'; indices: number[]; split?: DatasetSplit; configPath?: string }
  /** PNG or JPEG files (absolute paths). */
  | { kind: 'files'; paths: string[] }
  /** PNG files as base64 (no `data:` prefix), e.g. dropped into a webview. */
  | { kind: 'png'; images: string[]; names?: string[] };

export interface GradcamComputeParams {
  /** Absolute path of a run folder. */
  runDir: string;
  /** A checkpoint folder under checkpoints/ (`stage2`, `latest`) or an absolute path;
   * default the last finished stage's. */
  checkpoint?: string;
  images: GradcamImages;
  /** Named outputs such as `stage1`, `block3`; empty: every one the model has. */
  stages: string[];
  /** Default `gradcam`. */
  method?: GradcamMethod;
  /** Default `predicted`. */
  target?: GradcamTarget;
  /** Input scale (alpha); default the scale the checkpoint's stage trained at. */
  scale?: number;
  /** Weight of the colormap in the overlays, 0..1 (default 0.5). */
  overlayAlpha?: number;
}

export interface GradcamMap {
  stage: string;
  /** The stage's own resolution, before upsampling to the image size. */
  camHeight: number;
  camWidth: number;
  /** height x width values in 0..1 (row-major), upsampled bilinearly to the image size. */
  cam: number[];
  /** JET colormap blended over the image, PNG base64. */
  overlay: string;
  /** Mean |gradient| of the target at this stage; 0 means the map says nothing. */
  gradientMeanAbs: number;
}

export interface GradcamImageResult {
  /** Dataset images: index, label and class name; files: the path or given name. */
  index?: number;
  label?: number;
  className?: string;
  name?: string;
  width: number;
  height: number;
  /** What the network saw (resized, input mode applied), PNG base64. */
  image: string;
  predicted: { index: number; name: string; probability: number };
  /** The head output the maps explain and its probability. */
  target: { index: number; name: string; probability: number };
  maps: GradcamMap[];
}

export interface GradcamComputeResult {
  runDir: string;
  /** The checkpoint folder used (absolute). */
  checkpoint: string;
  scale: number;
  inputSize: number;
  method: GradcamMethod;
  /** Names of the head's outputs, e.g. `0°`, `90°`, `180°`, `270°` for rotation models. */
  classNames: string[];
  stages: string[];
  images: GradcamImageResult[];
  elapsedMs: number;
}

/** Client → sidecar: Grad-CAM / Grad-CAM++ maps and overlays of a run's checkpoint. */
export namespace GradcamComputeRequest {
  export const method = 'gradcam/compute' as const;
  export const type = new RequestType<GradcamComputeParams, GradcamComputeResult, LocatedErrorData>(
    method,
  );
}
