/**
 * Seeing the data before training: Harris previews, dataset summaries, the input grid.
 * Part of the sidecar contract; import it through sidecar/protocol.
 */
import { RequestType } from 'vscode-jsonrpc';
import type { DatasetKind, HarrisParams, InputMode } from './config';
import type { ErrorData } from './errors';

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
  export const type = new RequestType<HarrisPreviewParams, HarrisPreviewResult, ErrorData>(method);
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
  testProblem?: ErrorData & { message: string };
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
  export const type = new RequestType<DataInspectParams, DataInspectResult, ErrorData>(method);
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
  export const type = new RequestType<DataPreviewParams, DataPreviewResult, ErrorData>(method);
}
