/**
 * The memory of a pretext epoch on a large unlabelled pool (issue 14): writes N small
 * PNG/JPEG images (sharp) into nested folders, a small labelled folder and a config
 * that trains one RotNet epoch on the pool, then prints the command to measure it:
 *
 *   node --import tsx bench/poolMemory.ts /tmp/pool50k 50000
 *   /usr/bin/time -v node dist/cli.js train /tmp/pool50k/pool50k.scalenet.json --backend wasm
 *
 * The pool is cached as uint8 at the training size (sidecar/data/pool.ts), so the peak
 * grows by size*size*3 bytes per image (3 KB at 32 px), not by float tensors of the pool.
 *
 * Measured 2026-12-02 (2 shared cores, wasm backend, one full RotNet epoch, sidecar VmHWM):
 *   32 px, resnet [8, 16], batch 128: 50,000 images 1,996 MB; 5,000 images 1,701 MB
 *     (+294 MB for 45,000 images = 6.5 KB each: the uint8 cache and the stage's resized
 *     copy; the ~1.6 GB base is tfjs-wasm training memory for 512 inputs a step)
 *   16 px, resnet [4, 8], batch 128: 50,000 images 439 MB; 5,000 images 340 MB
 * As float32 the 32 px pool alone would be 614 MB (and its stage copy as much again).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { createRng } from '../sidecar/util/random';

const SIZE = 32;

async function main(): Promise<void> {
  const root = process.argv[2] ?? '/tmp/pool50k';
  const count = Number(process.argv[3] ?? 50_000);
  const rng = createRng(7);
  const pixels = Buffer.alloc(SIZE * SIZE * 3);
  const write = async (file: string, tint?: number) => {
    for (let i = 0; i < pixels.length; i++) {
      const top = i < pixels.length / 2;
      const channel = i % 3;
      const base = tint === undefined ? rng.next() * 255 : channel === tint ? 230 : 30;
      pixels[i] = Math.min(255, (top ? 80 : 0) + base * (top ? 0.7 : 0.3));
    }
    const image = sharp(pixels, { raw: { width: SIZE, height: SIZE, channels: 3 } });
    const bytes = file.endsWith('.png')
      ? await image.png().toBuffer()
      : await image.jpeg({ quality: 85 }).toBuffer();
    writeFileSync(file, bytes);
  };
  const poolDir = join(root, 'pool');
  if (!existsSync(poolDir)) {
    for (let i = 0; i < count; i++) {
      const dir = join(poolDir, `batch-${Math.floor(i / 1000)}`, `well-${i % 10}`);
      if (i % 1000 < 10) mkdirSync(dir, { recursive: true });
      await write(join(dir, `img-${i}.${i % 2 === 0 ? 'png' : 'jpg'}`));
    }
  }
  const labelledDir = join(root, 'labelled');
  for (const [name, tint] of [
    ['red', 0],
    ['blue', 2],
  ] as const) {
    mkdirSync(join(labelledDir, name), { recursive: true });
    for (let i = 0; i < 20; i++) await write(join(labelledDir, name, `${i}.png`), tint);
  }
  const config = {
    name: 'pool50k',
    seed: 1,
    method: 'rotnet',
    data: { dataset: 'pool', path: 'pool', imageSize: SIZE, channels: 3 },
    model: { blocks: [1, 1], widths: [8, 16] },
    pretext: { scales: [1], epochs: [1], lr: [0.05], batchSize: 128, heldOut: 500 },
    evaluation: {
      data: { dataset: 'folder', path: 'labelled' },
      knn: { enabled: false },
      finetune: { labels: [] },
      linear: { labels: [] },
    },
    runsDir: 'runs',
  };
  writeFileSync(join(root, 'pool50k.scalenet.json'), JSON.stringify(config, null, 2));
  console.log(`${count} pool images in ${poolDir}; config ${join(root, 'pool50k.scalenet.json')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
