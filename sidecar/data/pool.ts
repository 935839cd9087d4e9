/**
 * An unlabelled pool: every PNG and JPEG under a folder, at any depth, no classes. The
 * pretext task needs no labels, so a lab's 30,000 unannotated frames train it as they are.
 *
 * Memory: each file is decoded on its own (libvips, decodeImage.ts), resized to the
 * training size and kept as uint8 — the cache is `count x size x size x 3` bytes (50,000
 * images at 32 px = 154 MB), never float tensors of the whole pool and never the
 * full-resolution pixels of more than a few files at once (POOL_DECODE_CONCURRENCY).
 * The same resize as the class-folder loader (folder.ts), so a file in both sources
 * decodes to identical bytes (the leak check compares them).
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { resizeBilinear } from '../transforms/resize';
import { decodeImage, MAX_IMAGE_PIXELS } from './decodeImage';
import { DataError } from './errors';
import { readImageBytes } from './folder';
import type { ImageDataset } from './types';

export interface PoolOptions {
  imageSize?: number;
  maxImagePixels?: number;
}

/** Files decoded at once: enough to keep libvips busy, few full-resolution images alive. */
export const POOL_DECODE_CONCURRENCY = 4;
/** The one class name of a pool: its labels are all 0 and mean nothing. */
export const POOL_CLASS = 'unlabelled';

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg']);

/** Every PNG/JPEG under `root`, depth-first, sorted by relative path (a stable order). */
export function listPoolFiles(root: string): string[] {
  const found: string[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) stack.push(path);
      else if (entry.isFile() && IMAGE_EXT.has(extname(entry.name).toLowerCase())) {
        found.push(path);
      }
    }
  }
  return found.sort((a, b) => (relative(root, a) < relative(root, b) ? -1 : 1));
}

export async function loadImagePool(root: string, opts: PoolOptions = {}): Promise<ImageDataset> {
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
    throw new DataError(
      root,
      'the image pool folder does not exist',
      'Point data.path at a folder of PNG or JPEG images (subfolders are searched too)',
    );
  }
  const files = listPoolFiles(root);
  if (files.length === 0) {
    throw new DataError(
      root,
      'holds no PNG or JPEG images at any depth',
      'Put the unlabelled images in this folder (any subfolders), or point data.path elsewhere',
    );
  }
  const size = opts.imageSize ?? 32;
  const plane = size * size * 3;
  const pixels = new Uint8Array(files.length * plane);
  let next = 0;
  const worker = async () => {
    const scratch = new Float32Array(plane);
    for (let i = next++; i < files.length; i = next++) {
      const file = files[i];
      const bytes = await readImageBytes(file);
      const rgb = await decodeImage(bytes, file, opts.maxImagePixels ?? MAX_IMAGE_PIXELS);
      resizeBilinear(rgb.data, rgb.height, rgb.width, 3, size, size, scratch);
      const dst = pixels.subarray(i * plane, (i + 1) * plane);
      for (let p = 0; p < plane; p++) dst[p] = Math.round(scratch[p]);
    }
  };
  await Promise.all(Array.from({ length: POOL_DECODE_CONCURRENCY }, worker));
  return {
    name: `pool:${root}`,
    images: pixels,
    labels: new Int32Array(files.length),
    count: files.length,
    height: size,
    width: size,
    channels: 3,
    classNames: [POOL_CLASS],
    files,
  };
}
