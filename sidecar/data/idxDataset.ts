/**
 * An IDX dataset folder: `train-images-idx3-ubyte[.gz]` + `train-labels-idx1-ubyte[.gz]`
 * and `t10k-…` for the test split (MNIST's names; `train-images.idx3-ubyte` as some
 * unpackers write it is accepted too). Images are [N, H, W] (gray) or [N, H, W, C].
 * Class names come from an optional `classes.txt` (one per line), else the label numbers.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from './errors';
import { readIdxFile } from './idx';
import type { ImageDataset } from './types';

function findIdxFile(dir: string, prefix: string, kind: 'images' | 'labels', rank: number): string {
  const names = [`${prefix}-${kind}-idx${rank}-ubyte`, `${prefix}-${kind}.idx${rank}-ubyte`];
  for (const name of names) {
    for (const file of [join(dir, name + '.gz'), join(dir, name)])
      if (existsSync(file)) return file;
  }
  throw new DataError(
    join(dir, names[0] + '.gz'),
    `no ${kind} file for the ${prefix === 't10k' ? 'test' : 'training'} split`,
    `Put ${names[0]} (gzipped or not) in ${dir}, or point data.path at the folder that holds it`,
  );
}

export async function loadIdxDataset(
  dir: string,
  split: 'train' | 'test',
  name: string,
  classNames?: string[],
): Promise<ImageDataset> {
  const prefix = split === 'train' ? 'train' : 't10k';
  const imagesFile = findIdxFile(dir, prefix, 'images', 3);
  const labelsFile = findIdxFile(dir, prefix, 'labels', 1);
  const [images, labels] = await Promise.all([readIdxFile(imagesFile), readIdxFile(labelsFile)]);
  if (images.dims.length !== 3 && images.dims.length !== 4) {
    throw new DataError(
      imagesFile,
      `images must have 3 or 4 dimensions [N, H, W(, C)], this file has [${images.dims.join(', ')}]`,
      'Use an images file (…-images-idx3-ubyte), not a labels file',
      3,
    );
  }
  if (labels.dims.length !== 1) {
    throw new DataError(
      labelsFile,
      `labels must have 1 dimension [N], this file has [${labels.dims.join(', ')}]`,
      'Use a labels file (…-labels-idx1-ubyte), not an images file',
      3,
    );
  }
  const [count, height, width] = images.dims;
  const channels = images.dims[3] ?? 1;
  if (labels.dims[0] !== count) {
    throw new DataError(
      labelsFile,
      `${labels.dims[0]} labels for ${count} images in ${imagesFile}`,
      'Use the labels file that belongs to the images file (same split, same source)',
      4,
    );
  }
  if (count === 0) {
    throw new DataError(imagesFile, 'the file holds no images', 'Use a non-empty IDX file', 4);
  }
  let maxLabel = 0;
  for (let i = 0; i < count; i++) if (labels.data[i] > maxLabel) maxLabel = labels.data[i];
  const names = classNames ?? (await readClassNames(dir)) ?? [];
  for (let c = names.length; c <= maxLabel; c++) names.push(String(c));
  return {
    name,
    images: images.data,
    labels: Int32Array.from(labels.data),
    count,
    height,
    width,
    channels,
    classNames: names.slice(0, Math.max(names.length, maxLabel + 1)),
  };
}

async function readClassNames(dir: string): Promise<string[] | undefined> {
  const file = join(dir, 'classes.txt');
  if (!existsSync(file)) return undefined;
  const lines = (await readFile(file, 'utf8')).split(/\r?\n/).map((l) => l.trim());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
