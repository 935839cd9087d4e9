/**
 * Taking the representation out of a run: pooled trunk features (`model/embed`), the
 * trunk and kept classifiers as TF.js folders and safetensors (`model/export`), and
 * class predictions of a kept classifier (`model/predict`). The sidecar writes the files
 * (features and weights are too large for JSON) and answers with what it wrote. Part of
 * the sidecar contract; import it through sidecar/protocol.
 */
import { RequestType } from 'vscode-jsonrpc';
import type { DatasetSplit, LocatedErrorData } from './inspect';

/** Which images go through the network. */
export type ModelImages =
  /** A split of the run's own dataset. By default the images the run used: for `test` the
   * evaluation's test images (those its fine-tune accuracy was measured on), for `train`
   * the pretext subset; `all` takes every image of the split. */
  | { kind: 'split'; split: DatasetSplit; all?: boolean }
  /** PNG/JPEG files and folders (searched at any depth), absolute paths. An image whose
   * parent folder is named like a class of the run's dataset gets that label. */
  | { kind: 'files'; paths: string[] };

export interface ModelEmbedParams {
  /** Absolute path of a run folder. */
  runDir: string;
  /** A pretext checkpoint folder (`stage2`, `latest`, absolute); default the last stage's. */
  checkpoint?: string;
  /** A named output (`stage2`, `block3`, `pool`); default the last stage. */
  layer?: string;
  images: ModelImages;
  /** Absolute path of the .npy to write ([count, dim] float32); a .csv of the images goes
   * beside it (same name, .csv). */
  outFile: string;
}

export interface ModelEmbedResult {
  file: string;
  csvFile: string;
  checkpoint: string;
  layer: string;
  count: number;
  dim: number;
  /** How many of the images have a known label. */
  labelled: number;
  elapsedMs: number;
}

export interface ModelExportParams {
  runDir: string;
  checkpoint?: string;
  /** Absolute path of the folder to write (created; files in it are replaced). */
  outDir: string;
  /** Also export the kept fine-tuned classifiers (default true). */
  classifiers?: boolean;
}

export interface ExportedModel {
  /** `trunk` (image → pooled features) or `classifier@<labels>` (image → logits). */
  name: string;
  /** Folder with model.json + weights.bin (tf.loadLayersModel). */
  tfjs: string;
  /** safetensors file of every weight, named `<layer>/<weight>`. */
  safetensors: string;
  /** JSON: input shape and standardisation, then the layers in order (name, op, config,
   * inputs, weights with shapes). */
  layers: string;
  parameters: number;
  inputShape: number[];
  outputShape: number[];
}

export interface ModelExportResult {
  outDir: string;
  checkpoint: string;
  models: ExportedModel[];
  elapsedMs: number;
}

export interface ModelPredictParams {
  runDir: string;
  /** The kept classifier's label budget; default the largest one. */
  labels?: number;
  images: ModelImages;
  /** Absolute path of the CSV to write: file, label, predicted, probability, one column
   * per class. */
  outFile: string;
}

export interface ModelPredictResult {
  file: string;
  /** The classifier used (its folder) and its label budget. */
  classifier: string;
  labels: number;
  classNames: string[];
  count: number;
  /** Images with a known label, and the accuracy on them (absent when none is known). */
  labelled: number;
  accuracy?: number;
  /** Images per predicted class. */
  predictedCounts: number[];
  elapsedMs: number;
}

/** Client → sidecar: pooled trunk features of images, to .npy + .csv. */
export namespace ModelEmbedRequest {
  export const method = 'model/embed' as const;
  export const type = new RequestType<ModelEmbedParams, ModelEmbedResult, LocatedErrorData>(method);
}

/** Client → sidecar: the trunk and kept classifiers as TF.js folders and safetensors. */
export namespace ModelExportRequest {
  export const method = 'model/export' as const;
  export const type = new RequestType<ModelExportParams, ModelExportResult, LocatedErrorData>(
    method,
  );
}

/** Client → sidecar: a kept classifier's predictions and probabilities, to CSV. */
export namespace ModelPredictRequest {
  export const method = 'model/predict' as const;
  export const type = new RequestType<ModelPredictParams, ModelPredictResult, LocatedErrorData>(
    method,
  );
}
