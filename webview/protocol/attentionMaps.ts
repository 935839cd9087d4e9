/** The attention-maps panel's channel: runs to pick from in, Grad-CAM rows asked for. */
import type {
  GradcamClassifierInfo,
  GradcamComputeResult,
  GradcamMethod,
  GradcamModelKind,
  GradcamTarget,
} from '../../sidecar/protocol';
import type { PanelChannel } from './common';

export interface AttentionRun {
  runDir: string;
  label: string;
  /** Named outputs of its model (`stage1`..., `block1`...). */
  stages: string[];
  method: string;
  /** The fine-tuned classifiers it kept (`gradcam/models`), by ascending label budget. */
  classifiers: GradcamClassifierInfo[];
}

export type AttentionImages =
  { kind: 'dataset'; indices: number[] } | { kind: 'png'; images: string[]; names: string[] };

export interface AttentionRequest {
  runDirs: string[];
  images: AttentionImages;
  stages: string[];
  method: GradcamMethod;
  target: GradcamTarget;
  /** The pretext network (default) or the classifier fine-tuned on `labels` labels. */
  model?: GradcamModelKind;
  labels?: number;
  /** Classifier: the class every map explains, by name (wins over `target`). */
  targetClass?: string;
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
  /** `pretext`, or `classifier@<labels>` (a panel saved before the choice: pretext). */
  network?: string;
  /** `predicted`, `rotation:<r>` (pretext) or `class:<name>` (classifier). */
  target?: string;
}

/**
 * Every method the sidecar's `gradcam/compute` takes, with its name: a Record over
 * GradcamMethod, so a method added to the sidecar's contract fails this build until
 * the panel offers it.
 */
export const GRADCAM_METHOD_NAMES: Readonly<Record<GradcamMethod, string>> = {
  gradcam: 'Grad-CAM',
  'gradcam++': 'Grad-CAM++',
};

export type AttentionHostMessage =
  /** The runs with a checkpoint, and the state to show (a restored or a new panel's). */
  | { type: 'attention/init'; runs: AttentionRun[]; state?: AttentionMapsState }
  /** The panel was opened again on these runs: select them (the panel is revealed). */
  | { type: 'attention/select'; runDirs: string[] };

// The webview only asks (requests below) and saves its state (common messages).
export type AttentionWebviewMessage = never;

export type AttentionRequests = {
  /** One row per run (`gradcam/compute` each), with progress per run done. */
  'attention/compute': { params: AttentionRequest; result: AttentionRow[] };
};

export type AttentionChannel = PanelChannel<
  AttentionMapsState,
  AttentionHostMessage,
  AttentionWebviewMessage,
  AttentionRequests
>;
