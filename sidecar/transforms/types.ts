import type { Pixels } from './resize';

/** A set of same-sized HWC images; ImageDataset (sidecar/data) is one. */
export interface ImageSet {
  /** Identifies the images for caches (e.g. "fashion-mnist-train"). */
  name: string;
  images: Pixels;
  count: number;
  height: number;
  width: number;
  channels: number;
}
