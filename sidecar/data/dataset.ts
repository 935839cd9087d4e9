/**
 * The dataset interface of the training pipeline: every source (embedded subset, IDX,
 * CIFAR-10 binary, image folders) becomes an ImageDataset of uint8 HWC pixels with the
 * number of channels the config asks for. Problems with files are DataErrors.
 */
import { isAbsolute, resolve } from 'node:path';
import type { DataConfig } from '../protocol/config';
import { loadCifar10 } from './cifar10';
import { embeddedDatasetDir, EMBEDDED_NAME, FASHION_MNIST_CLASSES } from './embedded';
import { DataError } from './errors';
import { loadImageFolder, type FolderOptions } from './folder';
import { loadImagePool } from './pool';
import { gray8 } from '../transforms/gray';
import { loadIdxDataset } from './idxDataset';
import type { ImageDataset, Split } from './types';

export type { ImageDataset, Split } from './types';
export { DataError } from './errors';

export type LoadOptions = FolderOptions;

export async function loadDataset(
  data: DataConfig,
  configDir: string,
  split: Split,
  opts: LoadOptions = {},
): Promise<ImageDataset> {
  const ds = await loadNative(data, configDir, split, opts);
  return withChannels(ds, data.channels);
}

function loadNative(
  data: DataConfig,
  configDir: string,
  split: Split,
  opts: LoadOptions,
): Promise<ImageDataset> {
  if (data.dataset === 'embedded') {
    return loadIdxDataset(embeddedDatasetDir(), split, `${EMBEDDED_NAME}-${split}`, [
      ...FASHION_MNIST_CLASSES,
    ]);
  }
  if (!data.path) {
    throw new DataError(
      configDir,
      `data.dataset "${data.dataset}" needs data.path`,
      'Set data.path to the folder or file',
    );
  }
  const path = isAbsolute(data.path) ? data.path : resolve(configDir, data.path);
  switch (data.dataset) {
    case 'idx':
      return loadIdxDataset(path, split, `idx:${path}:${split}`);
    case 'cifar10':
      return loadCifar10(path, split);
    case 'folder':
      return loadImageFolder(path, split, opts);
    case 'pool':
      // No splits and no classes: the same images for either split (stageData holds out).
      return loadImagePool(path, opts);
  }
}

/**
 * Gray → 3 channels repeats the plane (what the network sees is still gray); colour →
 * 1 channel takes the rounded luma 0.299 R + 0.587 G + 0.114 B (OpenCV's fixed point).
 */
export function withChannels(ds: ImageDataset, channels: number): ImageDataset {
  if (ds.channels === channels) return ds;
  const n = ds.count * ds.height * ds.width;
  const out = new Uint8Array(n * channels);
  const src = ds.images;
  if (ds.channels === 1 && channels === 3) {
    for (let p = 0, o = 0; p < n; p++, o += 3) out[o] = out[o + 1] = out[o + 2] = src[p];
  } else if (ds.channels === 3 && channels === 1) {
    for (let p = 0, s = 0; p < n; p++, s += 3) {
      out[p] = gray8(src[s], src[s + 1], src[s + 2]);
    }
  } else {
    throw new DataError(
      ds.name,
      `images have ${ds.channels} channels; only 1 (gray) and 3 (RGB) are supported`,
      'Convert the images to gray or RGB',
    );
  }
  return { ...ds, images: out, channels };
}
