/** What `embed` and `predict` share: IMAGES... or --split as the request's images. */
import { resolve } from 'node:path';
import type { DatasetSplit, ModelImages } from '../../sidecar/protocol';

export interface ImagesOptions {
  split?: DatasetSplit;
  all?: boolean;
}

/** Files and folders, or a split of the run's dataset; exactly one of them. */
export function modelImagesOf(inputs: string[], options: ImagesOptions): ModelImages {
  if (options.split && inputs.length > 0) {
    throw new Error('Give image files/folders or --split, not both.');
  }
  if (options.split) return { kind: 'split', split: options.split, all: options.all };
  if (inputs.length === 0) {
    throw new Error("Give PNG/JPEG files or folders, or --split test for the run's test images.");
  }
  return { kind: 'files', paths: inputs.map((p) => resolve(p)) };
}
