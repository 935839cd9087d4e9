/**
 * Images as the checkpoint's network sees them: resized to the stage's side length
 * (rounded back to bytes, as prepareStage does), in the run's channel count, with its
 * input mode applied (hybrid runs are shown originals, as held-out accuracy is), and
 * standardised with the run's stats. Dataset images, image files and PNG bytes from a
 * client all go through the same steps.
 */
import { loadConfigFileAsync } from '../config/loadConfigFile';
import { basename } from 'node:path';
import { decodeImage } from '../data/decodeImage';
import type { ImageDataset } from '../data/dataset';
import { ParamsError } from '../inspect/errors';
import type { Raster } from '../inspect/png';
import { loadSplit, rasterAt, readImageFile } from '../inspect/source';
import type { DatasetSplit, GradcamImages, ScaleNetConfig } from '../protocol';
import { gray8 } from '../transforms/gray';
import { applyInputMode, HarrisCache } from '../transforms/inputMode';
import { resizeToBytes } from '../transforms/resize';
import { rotateInto } from '../transforms/rotate';
import { standardize, type ChannelStats } from '../transforms/standardize';
import type { ImageSet } from '../transforms/types';

export const MAX_IMAGES = 64;

export interface SourceImage {
  raster: Raster;
  index?: number;
  label?: number;
  className?: string;
  name?: string;
}

/** One image resized to size x size, rounded to bytes. */
export function resizeRaster(img: Raster, size: number): Raster {
  if (img.height === size && img.width === size) return img;
  return {
    data: resizeToBytes(img.data, img.height, img.width, img.channels, size, size),
    height: size,
    width: size,
    channels: img.channels,
  };
}

/** The images at `indices` resized to size x size, packed into one set. */
export function resizedSet(ds: ImageDataset, indices: ArrayLike<number>, size: number): ImageSet {
  const bytes = size * size * ds.channels;
  const images = new Uint8Array(indices.length * bytes);
  for (let i = 0; i < indices.length; i++) {
    images.set(resizeRaster(rasterAt(ds, indices[i]), size).data, i * bytes);
  }
  return {
    name: `${ds.name}@${size}`,
    images,
    count: indices.length,
    height: size,
    width: size,
    channels: ds.channels,
  };
}

/** RGB → the run's channel count (luma for gray runs; gray repeated for RGB runs). */
export function withChannels(img: Raster, channels: number): Raster {
  if (img.channels === channels) return img;
  const n = img.width * img.height;
  const data = new Uint8Array(n * channels);
  for (let p = 0; p < n; p++) {
    const s = p * img.channels;
    if (channels === 1) data[p] = gray8(img.data[s], img.data[s + 1], img.data[s + 2]);
    else data.fill(img.data[s], 3 * p, 3 * p + 3);
  }
  return { data, height: img.height, width: img.width, channels };
}

/** A client's base64 PNG: the one decoder, so its dimensions are bounded before decoding. */
async function decodePngBase64(base64: string, name: string): Promise<Raster> {
  const decoded = await decodeImage(Buffer.from(base64, 'base64'), name);
  return { data: decoded.data, height: decoded.height, width: decoded.width, channels: 3 };
}

/** Where a run's own dataset images come from (its pretext source unless told otherwise). */
export type RunSplitLoader = (split: DatasetSplit) => Promise<ImageDataset>;

/** The images a request names, at their own size. */
export async function sourceImages(
  images: GradcamImages,
  runConfig: ScaleNetConfig,
  runSplit: RunSplitLoader = (split) => loadSplit(runConfig, split),
): Promise<SourceImage[]> {
  switch (images.kind) {
    case 'dataset': {
      const split = images.split ?? 'test';
      const ds = images.configPath
        ? await loadSplit(await loadConfigFileAsync(images.configPath), split)
        : await runSplit(split);
      if (images.indices.length > MAX_IMAGES)
        throw new ParamsError(`at most ${MAX_IMAGES} images at a time`);
      return images.indices.map((index) => {
        if (!Number.isInteger(index) || index < 0 || index >= ds.count) {
          throw new ParamsError(`index ${index} is outside the ${split} split (0-${ds.count - 1})`);
        }
        const label = ds.labels[index];
        return { raster: rasterAt(ds, index), index, label, className: ds.classNames[label] };
      });
    }
    case 'files':
      if (images.paths.length > MAX_IMAGES)
        throw new ParamsError(`at most ${MAX_IMAGES} images at a time`);
      return Promise.all(
        images.paths.map(async (path) => ({ raster: await readImageFile(path), name: path })),
      );
    case 'png':
      if (images.images.length > MAX_IMAGES)
        throw new ParamsError(`at most ${MAX_IMAGES} images at a time`);
      return Promise.all(
        images.images.map(async (b64, i) => {
          const name = images.names?.[i] ?? `image ${i + 1}`;
          return { raster: await decodePngBase64(b64, basename(name)), name };
        }),
      );
  }
}

/** What the network sees (bytes, before standardising) at size x size. */
export function shownImage(img: Raster, config: ScaleNetConfig, size: number): Raster {
  const resized = resizeRaster(withChannels(img, config.data.channels), size);
  const mode = config.data.inputMode === 'hybrid' ? 'original' : config.data.inputMode;
  if (mode === 'original') return resized;
  const set: ImageSet = {
    name: 'gradcam',
    images: resized.data,
    count: 1,
    height: size,
    width: size,
    channels: resized.channels,
  };
  const shown = applyInputMode(set, [0], mode, {
    harris: config.data.harris,
    hybridProbability: 0,
    seed: config.seed,
    epoch: 0,
    cache: new HarrisCache(),
  });
  return { ...resized, data: Uint8Array.from(shown.images) };
}

/** Standardised network inputs [n, size, size, c], each turned by `rotation` x 90°. */
export function networkInput(shown: Raster[], stats: ChannelStats, rotation = 0): Float32Array {
  const plane = shown.length > 0 ? shown[0].data.length : 0;
  const x = new Float32Array(shown.length * plane);
  shown.forEach((img, i) =>
    rotateInto(img.data, 0, img.height, img.width, img.channels, rotation, x, i * plane),
  );
  return standardize(x, shown[0]?.channels ?? 1, stats, x);
}

/** A square map turned back by `rotation` x 90° (so it lies over the upright image). */
export function unrotateMap(map: Float32Array, size: number, rotation: number): Float32Array {
  if (rotation % 4 === 0) return map;
  const out = new Float32Array(map.length);
  rotateInto(map, 0, size, size, 1, 4 - (rotation % 4), out, 0);
  return out;
}
