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
  let maxAt = 0;
  for (let i = 0; i < count; i++) {
    if (labels.data[i] > maxLabel) [maxLabel, maxAt] = [labels.data[i], i];
  }
  const named = classNames ?? (await readClassNames(dir));
  checkLabelRange(labels.data, count, maxLabel, maxAt, labelsFile, named, split, dir);
  const names = named ? [...named] : [];
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

/**
 * Labels must name classes: with classes.txt, one of its lines; without it, 0..K-1 with
 * no value skipped in the training split (a label of 200 among 0-9 would otherwise make
 * 201 classes, 190 of them empty, and every downstream accuracy would be off).
 */
function checkLabelRange(
  labels: Uint8Array,
  count: number,
  maxLabel: number,
  maxAt: number,
  labelsFile: string,
  named: string[] | undefined,
  split: 'train' | 'test',
  dir: string,
): void {
  // The label bytes start after the 8-byte header of a 1-dimensional IDX file.
  const offset = 8 + maxAt;
  if (named) {
    if (maxLabel >= named.length) {
      throw new DataError(
        labelsFile,
        `record ${maxAt} has label ${maxLabel}, but classes.txt names ${named.length} classes (0-${named.length - 1})`,
        `Add the missing class names to ${join(dir, 'classes.txt')}, or fix the labels`,
        offset,
      );
    }
    return;
  }
  if (split !== 'train') return;
  const seen = new Uint8Array(maxLabel + 1);
  for (let i = 0; i < count; i++) seen[labels[i]] = 1;
  const missing: number[] = [];
  seen.forEach((s, c) => {
    if (!s) missing.push(c);
  });
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).join(', ') + (missing.length > 5 ? ', …' : '');
    throw new DataError(
      labelsFile,
      `labels go up to ${maxLabel} (record ${maxAt}) but ${missing.length} of the values 0-${maxLabel} ` +
        `have no images (${shown}): labels must be class numbers 0..K-1`,
      `Renumber the labels 0..K-1, or add ${join(dir, 'classes.txt')} with one name per label value`,
      offset,
    );
  }
}
