import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRotationBatch } from '../../sidecar/transforms/rotationBatch';
import { rotate } from '../../sidecar/transforms/rotate';
import { computeChannelStats, standardize } from '../../sidecar/transforms/standardize';
import { sampleCrop, simclrAugment, simclrPair } from '../../sidecar/transforms/simclr';
import type { ImageSet } from '../../sidecar/transforms/types';
import { createRng } from '../../sidecar/util/random';

function randomSet(count: number, size: number, channels: number, seed: number): ImageSet {
  const rng = createRng(seed);
  const images = new Uint8Array(count * size * size * channels);
  // Different ranges per channel so that per-channel stats matter.
  for (let i = 0; i < images.length; i++)
    images[i] = Math.floor(rng.next() * (100 + 70 * (i % channels)));
  return { name: 'random', images, count, height: size, width: size, channels };
}

const IDENTITY = { mean: [0, 0, 0], std: [1, 1, 1] };

void test('standardisation with the subset stats gives mean ≈ 0 and std ≈ 1 per channel', () => {
  const set = randomSet(50, 8, 3, 1);
  const stats = computeChannelStats(set);
  assert.ok(
    Math.abs(stats.mean[0] - 49.5) < 1.5 && Math.abs(stats.mean[2] - 119.5) < 2.5,
    String(stats.mean),
  );
  const x = standardize(set.images, 3, stats, new Float32Array(set.images.length));
  for (let ch = 0; ch < 3; ch++) {
    let s = 0;
    let s2 = 0;
    for (let i = ch; i < x.length; i += 3) {
      s += x[i];
      s2 += x[i] * x[i];
    }
    const n = x.length / 3;
    assert.ok(Math.abs(s / n) < 1e-5, `mean ${s / n}`);
    assert.ok(Math.abs(Math.sqrt(s2 / n - (s / n) ** 2) - 1) < 1e-5);
  }
  const sub = computeChannelStats(set, [3, 4]);
  assert.notDeepEqual(sub, stats);
  assert.deepEqual(
    computeChannelStats({ ...set, images: new Uint8Array(set.images.length) }).std,
    [1, 1, 1],
  );
});

void test('a rotation batch holds all four rotations of each image, labels 0..3, image-major', () => {
  const set = randomSet(3, 4, 1, 2);
  const b = buildRotationBatch(set, [2, 0], 4, 1, { mean: [0], std: [1] });
  assert.equal(b.count, 8);
  assert.deepEqual(Array.from(b.labels), [0, 1, 2, 3, 0, 1, 2, 3]);
  for (const [slot, index] of [2, 0].entries()) {
    const img = set.images.subarray(index * 16, index * 16 + 16);
    for (let k = 0; k < 4; k++) {
      const want = Array.from(rotate(img, 4, 4, 1, k).data);
      assert.deepEqual(
        Array.from(b.x.subarray((4 * slot + k) * 16, (4 * slot + k + 1) * 16)),
        want,
      );
    }
  }
  // Reused buffers are filled in place.
  assert.equal(buildRotationBatch(set, [1, 2], 4, 1, { mean: [0], std: [1] }, b).x, b.x);
});

void test('rotation batch at alpha 0.5, gray → 3 channels, standardised', () => {
  const set = randomSet(1, 4, 1, 3);
  const stats = { mean: [10, 10, 10], std: [2, 2, 2] };
  const b = buildRotationBatch(set, [0], 2, 3, stats);
  // Even pixels (0,0), (0,2), (2,0), (2,2) of the 4x4, repeated over 3 channels.
  const px = (y: number, x: number): number => (set.images[y * 4 + x] - 10) / 2;
  const r0 = [px(0, 0), px(0, 2), px(2, 0), px(2, 2)].flatMap((v) => [v, v, v]);
  assert.deepEqual(Array.from(b.x.subarray(0, 12)), r0);
  // 90°: B[y][x] = A[x][W-1-y] on the 2x2 → [[a01, a11], [a00, a10]]
  const r1 = [px(0, 2), px(2, 2), px(0, 0), px(2, 0)].flatMap((v) => [v, v, v]);
  assert.deepEqual(Array.from(b.x.subarray(12, 24)), r1);
  assert.equal(
    buildRotationBatch(randomSet(2, 8, 3, 4), [0, 1], 8, 3, IDENTITY).x.length,
    8 * 64 * 3,
  );
});

void test('SimCLR views are seeded, in range, and crops stay inside the image', () => {
  const set = randomSet(1, 32, 3, 5);
  const a = simclrPair(set.images, 32, 32, 3, createRng(9), { strength: 0.5 });
  const b = simclrPair(set.images, 32, 32, 3, createRng(9), { strength: 0.5 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a[0], a[1]);
  for (const v of a[0]) assert.ok(v >= 0 && v <= 255);
  const rng = createRng(1);
  let areaSum = 0;
  for (let i = 0; i < 2000; i++) {
    const c = sampleCrop(rng, 32, 32);
    assert.ok(c.top >= 0 && c.left >= 0 && c.top + c.height <= 32 && c.left + c.width <= 32);
    areaSum += (c.height * c.width) / 1024;
  }
  // Uniform area in [0.08, 1] has mean 0.54; rejections of too-wide crops pull it down a bit.
  assert.ok(areaSum / 2000 > 0.4 && areaSum / 2000 < 0.6, `mean area ${areaSum / 2000}`);
  const gray = simclrAugment(set.images, 32, 32, 3, createRng(3), {
    strength: 1,
    grayProbability: 1,
    outSize: 16,
  });
  assert.equal(gray.length, 16 * 16 * 3);
  for (let i = 0; i < gray.length; i += 3)
    assert.ok(gray[i] === gray[i + 1] && gray[i] === gray[i + 2]);
});
