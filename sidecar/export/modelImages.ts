/**
 * The images of a `model/*` request as one labelled set at the network's input size:
 * a split of the run's own dataset (by default the very images the run evaluated on),
 * or PNG/JPEG files and folders. Files are resized to the dataset's side length and
 * turned into its channel count exactly as Grad-CAM inputs are, and labelled when their
 * parent folder carries a class name of the dataset (the folder loader's layout).
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, relative } from 'node:path';
import type { ImageDataset } from '../data/dataset';
import { DataError } from '../data/errors';
import { selectSubset } from '../data/subset';
import type { LabelledImages } from '../eval/types';
import { resizeRaster, withChannels } from '../gradcam/prepareImages';
import { ParamsError } from '../inspect/errors';
import { readImageFile } from '../inspect/source';
import { labelledSplit, labelledTrainIndices } from '../gradcam/labelledSplits';
import type { ModelImages, ScaleNetConfig } from '../protocol';
import { deriveSeed } from '../util/random';

/** Enough for a large folder at CIFAR size, far from what would exhaust memory. */
export const MAX_FILES = 100_000;
const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg']);

/** A set of images with a name each; labels are -1 where unknown. */
export interface NamedImages extends LabelledImages {
  names: string[];
  labels: Int32Array;
}

/**
 * The evaluation's test images: the same seeded pick as train/evaluation.ts makes
 * (`evaluationSets`), so accuracies computed here equal the ones the run recorded.
 */
export function evaluationTestIndices(config: ScaleNetConfig, test: ImageDataset): Int32Array {
  const n = config.evaluation.testImages;
  return selectSubset(test.labels, {
    limit: n >= test.count ? undefined : n,
    seed: deriveSeed(config.seed, 3),
  });
}

function pickSet(ds: ImageDataset, indices: ArrayLike<number>, prefix: string): NamedImages {
  const size = ds.height * ds.width * ds.channels;
  const images = new Uint8Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  const names: string[] = [];
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i];
    images.set(ds.images.subarray(index * size, (index + 1) * size), i * size);
    labels[i] = ds.labels[index];
    names.push(`${prefix}/${index}`);
  }
  return { ...ds, images, labels, names, count: indices.length };
}

/** Image files under `paths`, folders searched at any depth, each folder sorted by name. */
export function imageFiles(paths: string[]): string[] {
  const found: string[] = [];
  const visit = (path: string, given: boolean) => {
    let isDir: boolean;
    try {
      isDir = statSync(path).isDirectory();
    } catch (error) {
      throw new DataError(
        path,
        `cannot be read (${(error as Error).message})`,
        'Give existing PNG/JPEG files or folders',
      );
    }
    if (isDir) {
      for (const name of readdirSync(path).sort()) {
        if (!name.startsWith('.')) visit(join(path, name), false);
      }
    } else if (IMAGE_EXT.has(extname(path).toLowerCase())) {
      found.push(path);
    } else if (given) {
      throw new DataError(path, 'is not a PNG or JPEG file', 'Give .png, .jpg or .jpeg files');
    }
    if (found.length > MAX_FILES) {
      throw new DataError(
        path,
        `holds more than ${MAX_FILES} images`,
        'Split the folder and run once per part',
      );
    }
  };
  paths.forEach((p) => visit(p, true));
  if (found.length === 0) {
    throw new DataError(
      paths.join(', '),
      'holds no PNG or JPEG image',
      'Give images or folders of them',
    );
  }
  return found;
}

/** Files decoded, in the dataset's channels, at size x size; the parent folder names the class. */
export async function fileSet(
  paths: string[],
  size: number,
  channels: number,
  classNames: string[],
): Promise<NamedImages> {
  const files = imageFiles(paths);
  const plane = size * size * channels;
  const images = new Uint8Array(files.length * plane);
  const labels = new Int32Array(files.length).fill(-1);
  const classOf = new Map(classNames.map((name, k) => [name, k]));
  // One at a time: decoding is bounded per image, and so is memory.
  for (const [i, file] of files.entries()) {
    const raster = resizeRaster(withChannels(await readImageFile(file), channels), size);
    images.set(raster.data, i * plane);
    labels[i] = classOf.get(basename(dirname(file))) ?? -1;
  }
  // Names relative to the first path's folder read well in a CSV; absolute when unrelated.
  const base = dirname(paths[0]);
  const names = files.map((f) => {
    const rel = relative(base, f);
    return rel.startsWith('..') ? f : rel;
  });
  return { images, labels, names, count: files.length, height: size, width: size, channels };
}

export interface RequestImages {
  set: NamedImages;
  /** The train split: its class names, size, and the pretext subset's standardisation. */
  train: ImageDataset;
}

/** The request's images and the run's train split (which every caller needs for its stats). */
export async function requestImages(
  images: ModelImages,
  runDir: string,
  config: ScaleNetConfig,
): Promise<RequestImages> {
  const train = await labelledSplit(runDir, config, 'train');
  switch (images.kind) {
    case 'split': {
      if (images.split !== 'train' && images.split !== 'test') {
        throw new ParamsError(`split must be train or test, got ${String(images.split)}`);
      }
      const ds = images.split === 'train' ? train : await labelledSplit(runDir, config, 'test');
      const indices = images.all
        ? Int32Array.from({ length: ds.count }, (_, i) => i)
        : images.split === 'test'
          ? evaluationTestIndices(config, ds)
          : await labelledTrainIndices(runDir, config, ds);
      return { set: pickSet(ds, indices, images.split), train };
    }
    case 'files':
      if (!Array.isArray(images.paths) || images.paths.length === 0) {
        throw new ParamsError('images.paths: give at least one file or folder');
      }
      return {
        set: await fileSet(images.paths, train.height, train.channels, train.classNames),
        train,
      };
    default:
      throw new ParamsError(`images.kind must be split or files`);
  }
}
