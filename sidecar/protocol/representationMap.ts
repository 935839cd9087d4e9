/**
 * `model/map`: a 2-D UMAP of a run's test embeddings at each stage of its trunk, for the
 * representation map panel (what the Embedding Projector gives TensorBoard users): one
 * point per evaluation test image, its class, its thumbnail, its nearest neighbours in
 * the feature space, and the leave-one-out kNN accuracy of that stage. Part of the
 * sidecar contract; import it through sidecar/protocol.
 */
import { RequestType } from 'vscode-jsonrpc';
import type { ErrorData } from './errors';

export interface ModelMapParams {
  /** Absolute path of a run folder. */
  runDir: string;
  /** A pretext checkpoint (`stage2`, `latest`, absolute); default the last stage's. */
  checkpoint?: string;
  /** Named trunk outputs to map (`stage1`...); default every stage. */
  layers?: string[];
  /** At most this many test images (the evaluation's own, in order); default 1000. */
  maxImages?: number;
  /** Neighbours listed per point and voting in the kNN accuracy; default 5. */
  k?: number;
  /** UMAP's random seed: the same seed gives the same map. Default the run's seed. */
  seed?: number;
}

export interface MapStage {
  layer: string;
  dim: number;
  /** One [x, y] per image, scaled into [0, 1] x [0, 1]. */
  points: [number, number][];
  /** Per image, the indices of its k nearest other images (cosine), nearest first. */
  neighbours: number[][];
  /** Leave-one-out k-NN (majority of the k neighbours) accuracy on these images. */
  knnAccuracy: number;
}

export interface ModelMapResult {
  runDir: string;
  runId: string;
  method: string;
  scales: number[];
  checkpoint: string;
  classNames: string[];
  /** Per image: its class index and a PNG data URL of the image as the network saw it. */
  labels: number[];
  thumbnails: string[];
  k: number;
  stages: MapStage[];
  elapsedMs: number;
}

/** Client → sidecar: the representation map of a run's test images. */
export namespace ModelMapRequest {
  export const method = 'model/map' as const;
  export const type = new RequestType<ModelMapParams, ModelMapResult, ErrorData>(method);
}
