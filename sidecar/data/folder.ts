/**
 * Image folders: one subfolder per class (sorted by name = label order), PNG decoded with
 * pngjs and JPEG with an injected decoder (e.g. jpeg-js's `decode(buf, { useTArray: true })`),
 * every image resized (bilinear, stretched) to a declared square size and kept as RGB.
 * Layout: `<path>/train/<class>/*` and `<path>/test/<class>/*`, or `<path>/<class>/*`,
 * which is then the training split only (a test split from the same images would leak).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { PNG } from 'pngjs';
import { resizeBilinear } from '../transforms/resize';
import { DataError } from './errors';
import type { ImageDataset, Split } from './types';

/** Decoded RGBA pixels, as pngjs and jpeg-js both return them. */
export interface DecodedImage {
  width: number;
  height: number;
  data: Uint8Array;
}
export type ImageDecoder = (bytes: Uint8Array) => DecodedImage;

export interface FolderOptions {
  /** Side of the square images the dataset holds (default 32). */
  imageSize?: number;
  /** JPEG support; without it a .jpg/.jpeg file is a DataError saying so. */
  decodeJpeg?: ImageDecoder;
}

const PNG_EXT = new Set(['.png']);
const JPEG_EXT = new Set(['.jpg', '.jpeg']);

export function decodePng(bytes: Uint8Array): DecodedImage {
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return { width: png.width, height: png.height, data: png.data };
}

/** The folder whose subfolders are the classes of `split`. */
function classRoot(path: string, split: Split): string {
  if (!existsSync(path) || !statSync(path).isDirectory()) {
    throw new DataError(
      path,
      'the image folder does not exist',
      'Point data.path at a folder with one subfolder per class',
    );
  }
  const splitDir = join(path, split);
  if (existsSync(splitDir) && statSync(splitDir).isDirectory()) return splitDir;
  if (split === 'test') {
    throw new DataError(
      splitDir,
      'no test/ folder: test images must be separate from the training images',
      `Create ${join(path, 'train')}/<class>/ and ${splitDir}/<class>/ with the same class names`,
    );
  }
  return path;
}

export async function loadImageFolder(
  path: string,
  split: Split,
  opts: FolderOptions = {},
): Promise<ImageDataset> {
  const size = opts.imageSize ?? 32;
  const root = classRoot(path, split);
  const classNames = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.') && d.name !== 'test')
    .map((d) => d.name)
    .sort();
  if (classNames.length === 0) {
    throw new DataError(
      root,
      'no class subfolders',
      'Put the images of each class in a subfolder named after the class',
    );
  }
  const files: { file: string; label: number }[] = [];
  classNames.forEach((name, label) => {
    const dir = join(root, name);
    const images = readdirSync(dir)
      .filter(
        (f) => PNG_EXT.has(extname(f).toLowerCase()) || JPEG_EXT.has(extname(f).toLowerCase()),
      )
      .sort();
    if (images.length === 0) {
      throw new DataError(
        dir,
        `class folder "${name}" holds no PNG or JPEG images`,
        'Add images or remove the folder',
      );
    }
    for (const f of images) files.push({ file: join(dir, f), label });
  });

  const plane = size * size * 3;
  const pixels = new Uint8Array(files.length * plane);
  const labels = new Int32Array(files.length);
  const scratch = new Float32Array(plane);
  for (let i = 0; i < files.length; i++) {
    const { file, label } = files[i];
    const rgb = toRgb(await decodeFile(file, opts));
    resizeBilinear(rgb.data, rgb.height, rgb.width, 3, size, size, scratch);
    const dst = pixels.subarray(i * plane, (i + 1) * plane);
    for (let p = 0; p < plane; p++) dst[p] = Math.round(scratch[p]);
    labels[i] = label;
  }
  return {
    name: `folder:${path}:${split}`,
    images: pixels,
    labels,
    count: files.length,
    height: size,
    width: size,
    channels: 3,
    classNames,
  };
}

async function decodeFile(file: string, opts: FolderOptions): Promise<DecodedImage> {
  const bytes = await readFile(file);
  const isJpeg = JPEG_EXT.has(extname(file).toLowerCase());
  if (isJpeg && !opts.decodeJpeg) {
    throw new DataError(
      file,
      'JPEG decoding is not available in this build',
      'Convert the images to PNG',
    );
  }
  try {
    const img = isJpeg && opts.decodeJpeg ? opts.decodeJpeg(bytes) : decodePng(bytes);
    if (img.width < 1 || img.height < 1 || img.data.length < img.width * img.height * 4) {
      throw new Error(`decoded ${img.width}x${img.height} with ${img.data.length} bytes of pixels`);
    }
    return img;
  } catch (e) {
    throw new DataError(
      file,
      `cannot decode the image (${e instanceof Error ? e.message : String(e)})`,
      'Re-save the file as PNG or baseline JPEG, or delete it',
    );
  }
}

/** RGBA → RGB; alpha is dropped (composited on nothing), as most training code does. */
function toRgb(img: DecodedImage): { data: Uint8Array; width: number; height: number } {
  const n = img.width * img.height;
  const rgb = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) {
    rgb[3 * p] = img.data[4 * p];
    rgb[3 * p + 1] = img.data[4 * p + 1];
    rgb[3 * p + 2] = img.data[4 * p + 2];
  }
  return { data: rgb, width: img.width, height: img.height };
}
