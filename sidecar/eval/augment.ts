/**
 * The standard CIFAR training augmentation (RotNet's and most CIFAR recipes): random
 * crop after zero padding (size/8 pixels: 4 at 32x32) and a random horizontal flip.
 * Applied to standardised batches, so zero padding is the training mean's value.
 */
import { randInt, type Rng } from '../util/random';
import type { InputBatch } from './batches';

export function flipAndCrop(batch: InputBatch, rng: Rng): InputBatch {
  const { height: h, width: w, channels: c } = batch;
  const pad = Math.max(1, Math.round(Math.min(h, w) / 8));
  const pixels = h * w * c;
  const out = new Float32Array(batch.x.length);
  for (let i = 0; i < batch.count; i++) {
    const dy = randInt(rng, 2 * pad + 1) - pad;
    const dx = randInt(rng, 2 * pad + 1) - pad;
    const flip = rng.next() < 0.5;
    const base = i * pixels;
    for (let y = 0; y < h; y++) {
      const sy = y + dy;
      if (sy < 0 || sy >= h) continue; // stays 0: the padding
      for (let x = 0; x < w; x++) {
        const sx = (flip ? w - 1 - x : x) + dx;
        if (sx < 0 || sx >= w) continue;
        const from = base + (sy * w + sx) * c;
        const to = base + (y * w + x) * c;
        for (let ch = 0; ch < c; ch++) out[to + ch] = batch.x[from + ch];
      }
    }
  }
  return { ...batch, x: out };
}
