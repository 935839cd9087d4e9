/**
 * Real image files for pool / labelled-folder tests, encoded by sharp: an unlabelled
 * pool whose images have an "up" (bright top, dark bottom: rotation is learnable) and
 * labelled classes told apart by colour (a tiny run can learn them).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { createRng, type Rng } from '../../sidecar/util/random';

/** RGB pixels of one "sky over ground" image with a random tint and noise. */
export function skyImage(size: number, rng: Rng, tint?: [number, number, number]) {
  const pixels = Buffer.alloc(size * size * 3);
  const colour = tint ?? [rng.next() * 255, rng.next() * 255, rng.next() * 255];
  const horizon = Math.floor(size * (0.35 + rng.next() * 0.2));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const sky = y < horizon;
      for (let c = 0; c < 3; c++) {
        const base = sky ? 150 + colour[c] * 0.4 : colour[c] * 0.25;
        pixels[(y * size + x) * 3 + c] = Math.max(0, Math.min(255, base + (rng.next() - 0.5) * 40));
      }
    }
  }
  return pixels;
}

export async function encode(pixels: Buffer, size: number, format: 'png' | 'jpeg') {
  const image = sharp(pixels, { raw: { width: size, height: size, channels: 3 } });
  return format === 'png' ? image.png().toBuffer() : image.jpeg({ quality: 90 }).toBuffer();
}

/**
 * `count` images under `root` in nested folders (depth 1 to 3), PNG and JPEG
 * alternating; returns the file paths.
 */
export async function writePool(
  root: string,
  count: number,
  size: number,
  seed: number,
): Promise<string[]> {
  const rng = createRng(seed);
  const dirs = [join(root, 'day1'), join(root, 'day1', 'scope-a'), join(root, 'day2', 'x', 'y')];
  for (const dir of dirs) mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const format = i % 2 === 0 ? 'png' : 'jpeg';
    const file = join(dirs[i % dirs.length], `frame-${i}.${format === 'png' ? 'png' : 'jpg'}`);
    writeFileSync(file, await encode(skyImage(size, rng), size, format));
    files.push(file);
  }
  return files;
}

/** Tints of the labelled classes: far apart in colour. */
export const CLASS_TINTS: Record<string, [number, number, number]> = {
  blue: [20, 40, 255],
  red: [255, 30, 20],
};

/** `<root>/<class>/*.png`, `perClass` images of each class; returns files per class. */
export async function writeLabelled(
  root: string,
  perClass: number,
  size: number,
  seed: number,
): Promise<Record<string, string[]>> {
  const rng = createRng(seed);
  const out: Record<string, string[]> = {};
  for (const [name, tint] of Object.entries(CLASS_TINTS)) {
    mkdirSync(join(root, name), { recursive: true });
    out[name] = [];
    for (let i = 0; i < perClass; i++) {
      const file = join(root, name, `${name}-${i}.png`);
      writeFileSync(file, await encode(skyImage(size, rng, tint), size, 'png'));
      out[name].push(file);
    }
  }
  return out;
}
