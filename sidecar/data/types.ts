/** The one in-memory form of every dataset: uint8 pixels, N x H x W x C (HWC per image). */
export interface ImageDataset {
  /** For logs, caches (e.g. the Harris cache key) and `data/inspect`. */
  name: string;
  images: Uint8Array;
  labels: Int32Array;
  count: number;
  height: number;
  width: number;
  channels: number;
  /** Index = label. */
  classNames: string[];
  /** Source file of each image, where images are files (an unlabelled pool). */
  files?: string[];
}

export type Split = 'train' | 'test';
