/**
 * Grad-CAM: where a trained network looks, per named stage/block. Part of the sidecar
 * contract; import it through sidecar/protocol.
 */
import { RequestType } from 'vscode-jsonrpc';
import type { DatasetSplit, LocatedErrorData } from './inspect';

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
  /** Which network to explain: the pretext checkpoint (default) or a fine-tuned classifier
   * the run kept (`classifiers/finetune@<labels>`; `checkpoint` and `scale` do not apply). */
  model?: GradcamModelKind;
  /** Classifier: its label budget; default the largest one the run kept. */
  labels?: number;
  /** A class to explain for every image, by name (`cat`) or head index; wins over `target`. */
  targetClass?: string | number;
}

export type GradcamModelKind = 'pretext' | 'classifier';

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
  /** Names of the head's outputs, e.g. `0°`, `90°`, `180°`, `270°` for rotation models, the
   * labelled set's class names for a classifier. */
  classNames: string[];
  /** The network explained; absent from sidecars older than classifier Grad-CAM. */
  model?: GradcamModelKind;
  /** Classifier: the label budget it was fine-tuned on. */
  labels?: number;
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

export interface GradcamModelsParams {
  /** Absolute path of a run folder. */
  runDir: string;
}

export interface GradcamClassifierInfo {
  /** The label budget; pass it as `labels` with `model: 'classifier'`. */
  labels: number;
  classNames: string[];
  testAccuracy: number;
  inputSize: number;
}

export interface GradcamModelsResult {
  /** Pretext checkpoint folders under checkpoints/ (`stage1`, `latest`, ...), sorted. */
  checkpoints: string[];
  /** The fine-tuned classifiers the run kept, by ascending label budget. */
  classifiers: GradcamClassifierInfo[];
}

/** Client → sidecar: what a run offers to explain (for the viewer's model/class choice). */
export namespace GradcamModelsRequest {
  export const method = 'gradcam/models' as const;
  export const type = new RequestType<GradcamModelsParams, GradcamModelsResult, LocatedErrorData>(
    method,
  );
}
