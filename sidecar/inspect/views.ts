/**
 * One image at one scale, the way training makes it: resize by alpha (TF legacy
 * bilinear, rounded back to bytes), then the Harris mask of the resized image. From the
 * mask come every view a preview shows; the transforms do the work, nothing is redone.
 */
import type { HarrisParams } from '../protocol';
import { toGray } from '../transforms/gray';
import { HarrisDetector, paintCornersInto } from '../transforms/harris';
import { resizeToBytes, scaledSize } from '../transforms/resize';
import type { Raster } from './png';

/** Resize by alpha to bytes, as the trainer's stage preparation does; alpha 1 is the image. */
export function resizeRaster(img: Raster, alpha: number): Raster {
  if (alpha === 1) return img;
  const height = scaledSize(img.height, alpha);
  const width = scaledSize(img.width, alpha);
  const data = resizeToBytes(img.data, img.height, img.width, img.channels, height, width);
  return { data, height, width, channels: img.channels };
}

/** One detector per image size within a request: scratch buffers and tap tables are reused. */
export class DetectorPool {
  private readonly detectors = new Map<string, HarrisDetector>();

  constructor(readonly params: HarrisParams) {}

  /** Corner mask (h*w, 1 = corner) and the count. */
  mask(img: Raster): { mask: Uint8Array; corners: number } {
    const key = `${img.height}x${img.width}`;
    let det = this.detectors.get(key);
    if (!det)
      this.detectors.set(key, (det = new HarrisDetector(img.height, img.width, this.params)));
    const mask = new Uint8Array(img.height * img.width);
    const corners = det.cornerMask(img.data, img.channels, mask);
    return { mask, corners };
  }
}

export interface ScaleViews {
  scale: number;
  corners: number;
  original: Raster;
  overlay: Raster;
  harris: Raster;
  gray: Raster;
  grayHarris: Raster;
  mask: Raster;
}

function painted(img: Raster, mask: Uint8Array): Raster {
  const data = new Uint8Array(img.data.length);
  paintCornersInto(img.data, 0, mask, img.channels, data, 0);
  return { ...img, data };
}

/** The image in RGB with the corners in `color`, so they stand out on white too. */
function overlay(img: Raster, mask: Uint8Array, color: readonly number[]): Raster {
  const n = img.height * img.width;
  const data = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) {
    for (let ch = 0; ch < 3; ch++) {
      data[p * 3 + ch] =
        mask[p] === 1 ? color[ch] : img.data[p * img.channels + (img.channels === 1 ? 0 : ch)];
    }
  }
  return { data, height: img.height, width: img.width, channels: 3 };
}

export function viewsAtScale(
  source: Raster,
  scale: number,
  pool: DetectorPool,
  color: readonly number[],
): ScaleViews {
  const original = resizeRaster(source, scale);
  const { mask, corners } = pool.mask(original);
  const gray = {
    ...original,
    data: toGray(original.data, original.height, original.width, original.channels),
  };
  return {
    scale,
    corners,
    original,
    overlay: overlay(original, mask, color),
    harris: painted(original, mask),
    gray,
    // The gray image has the original's luma, so its corners are the same: one mask serves both.
    grayHarris: painted(gray, mask),
    mask: {
      data: Uint8Array.from(mask, (m) => m * 255),
      height: original.height,
      width: original.width,
      channels: 1,
    },
  };
}
