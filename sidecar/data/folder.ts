/**
 * Image folders: one subfolder per class (sorted by name = label order), PNG and JPEG
 * decoded by libvips (decodeImage.ts, the decoder PIL/OpenCV users get; dimensions
 * bounded before decoding), every image resized (bilinear, stretched) to a declared
 * square size and kept as RGB.
 * Layout: `<path>/train/<class>/*` and `<path>/test/<class>/*`, or `<path>/<class>/*`,
 * which is then the training split only (a test split from the same images would leak).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { resizeBilinear } from '../transforms/resize';
import { decodeImage, MAX_IMAGE_PIXELS, type RgbImage } from './decodeImage';
import { DataError } from './errors';
import type { ImageDataset, Split } from './types';

export interface FolderOptions {
  /** Side of the square images the dataset holds (default 32). */
  imageSize?: number;
  /** Largest pixel count of one image, checked from its header before decoding. */
  maxImagePixels?: number;
}

const PNG_EXT = new Set(['.png']);
const JPEG_EXT = new Set(['.jpg', '.jpeg']);

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
    const rgb = await decodeFile(file, opts);
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

/** An image file's bytes; a file that cannot be read is a DataError naming it. */
export async function readImageBytes(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    throw new DataError(
      file,
      `cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
      'Check the file permissions, or delete the file',
    );
  }
}

async function decodeFile(file: string, opts: FolderOptions): Promise<RgbImage> {
  const bytes = await readImageBytes(file);
  return decodeImage(bytes, file, opts.maxImagePixels ?? MAX_IMAGE_PIXELS);
}
