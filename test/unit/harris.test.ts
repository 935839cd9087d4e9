import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harrisCorners, harrisImage, harrisResponse } from '../../sidecar/transforms/harris';
import { applyInputMode, HarrisCache, hybridPicksHarris } from '../../sidecar/transforms/inputMode';
import type { InputModeContext } from '../../sidecar/transforms/inputMode';
import type { ImageSet } from '../../sidecar/transforms/types';

const PARAMS = { blockSize: 2, ksize: 3, k: 0.04, threshold: 0.01 };

/** 32x32x3 black image with a white square covering rows and columns 8..23. */
function whiteSquare(): Uint8Array {
  const img = new Uint8Array(32 * 32 * 3);
  for (let y = 8; y < 24; y++)
    for (let x = 8; x < 24; x++) img.fill(255, (y * 32 + x) * 3, (y * 32 + x) * 3 + 3);
  return img;
}

const cornersOf = (mask: Uint8Array, w: number): string[] =>
  Array.from(mask.entries())
    .filter(([, m]) => m === 1)
    .map(([p]) => `${Math.floor(p / w)},${p % w}`);

void test('a vertical step edge has the hand-computed response and no corners', () => {
  // 6x12, 0 left of column 6, 255 from it. Sobel 3x3: Dx = 255 * (1+2+1) = 1020 at
  // columns 5 and 6, scaled by 1/(2^2 * 2 * 255) → 0.5, so Dx² = 0.25. The 2x2 box
  // (anchor 1: columns x-1..x, rows y-1..y) sums 4 of them at x=6 (a = 1) and 2 at x=5
  // and x=7 (a = 0.5); b = c = 0, so R = -k a² = -0.04 and -0.01.
  const img = Uint8Array.from({ length: 6 * 12 }, (_, i) => (i % 12 >= 6 ? 255 : 0));
  const r = harrisResponse(img, 6, 12, 1, PARAMS);
  for (let y = 0; y < 6; y++) {
    const row = Array.from(r.subarray(y * 12, y * 12 + 12), (v) => Math.round(v * 1e6) / 1e6 + 0);
    assert.deepEqual(row, [0, 0, 0, 0, 0, -0.01, -0.04, -0.01, 0, 0, 0, 0]);
  }
  assert.equal(cornersOf(harrisCorners(img, 6, 12, 1, PARAMS), 12).length, 0);
});

void test('a white square on black: exactly its four 2x2 corner neighbourhoods, no edge or interior pixel', () => {
  // Both gradients are non-zero only in the 2x2 Sobel footprint at each corner (rows and
  // columns 7-8 and 23-24); the box window (x-1..x) shifts the positive response to
  // {8,9} and {23,24}. cv2.cornerHarris(gray, 2, 3, 0.04) > 0.01 max gives the same 16.
  const mask = harrisCorners(whiteSquare(), 32, 32, 3, PARAMS);
  const expected: string[] = [];
  for (const y of [8, 9, 23, 24]) for (const x of [8, 9, 23, 24]) expected.push(`${y},${x}`);
  assert.deepEqual(cornersOf(mask, 32).sort(), expected.sort());
  const r = harrisResponse(whiteSquare(), 32, 32, 3, PARAMS);
  assert.ok(r[16 * 32 + 8] < 0, 'edge midpoint has a negative response');
  assert.equal(r[16 * 32 + 16], 0, 'interior has zero response');
});

void test('a constant image has no corners; the Harris image paints corners 255 in every channel', () => {
  const flat = new Uint8Array(16 * 16 * 3).fill(90);
  assert.equal(cornersOf(harrisCorners(flat, 16, 16, 3, PARAMS), 16).length, 0);
  assert.deepEqual(harrisImage(flat, 16, 16, 3, PARAMS), flat);
  const gray = new Uint8Array(32 * 32).fill(40);
  for (let y = 8; y < 24; y++) gray.fill(120, y * 32 + 8, y * 32 + 24);
  const h = harrisImage(gray, 32, 32, 1, PARAMS);
  assert.equal(h[8 * 32 + 8], 255);
  assert.equal(h[16 * 32 + 8], 120);
  assert.equal(h[0], 40);
  assert.throws(() => harrisCorners(flat, 16, 16, 3, { ...PARAMS, ksize: 4 }), /ksize/);
});

function squareSet(): ImageSet {
  const one = whiteSquare();
  const images = new Uint8Array(one.length * 3);
  images.set(one, 0);
  images.set(one, one.length);
  images.fill(100, 2 * one.length); // third image: constant
  for (let p = one.length; p < 2 * one.length; p += 3) images[p] = 0; // second: no red
  return { name: 'squares', images, count: 3, height: 32, width: 32, channels: 3 };
}

const ctx = (over: Partial<InputModeContext> = {}): InputModeContext => ({
  harris: PARAMS,
  hybridProbability: 0.5,
  seed: 1,
  epoch: 0,
  cache: new HarrisCache(),
  ...over,
});

void test('input modes: harris, gray, gray-harris, and the cache computes each mask once', () => {
  const set = squareSet();
  const c = ctx();
  const harris = applyInputMode(set, [0, 1], 'harris', c);
  assert.equal(c.cache.size, 2);
  assert.equal(c.cache.mask(set, 0, PARAMS), c.cache.mask(set, 0, PARAMS));
  const at = (img: ImageSet['images'], i: number, y: number, x: number): number[] =>
    Array.from(img.subarray((i * 1024 + y * 32 + x) * 3, (i * 1024 + y * 32 + x) * 3 + 3));
  assert.deepEqual(at(harris.images, 1, 8, 8), [255, 255, 255]);
  assert.deepEqual(at(harris.images, 1, 16, 16), [0, 255, 255]);
  const gray = applyInputMode(set, [1], 'gray', c);
  // gray of (0,255,255): 0.587*255 + 0.114*255 = 178.755 → 179
  assert.deepEqual(at(gray.images, 0, 16, 16), [179, 179, 179]);
  const gh = applyInputMode(set, [1, 2], 'gray-harris', c);
  assert.deepEqual(at(gh.images, 0, 9, 23), [255, 255, 255]);
  assert.deepEqual(at(gh.images, 1, 9, 23), [100, 100, 100]);
  assert.equal(applyInputMode(set, [2, 0], 'original', c).images[0], 100);
});

void test('hybrid: seeded per image and epoch, about p of the images are Harris images', () => {
  let picked = 0;
  for (let i = 0; i < 4000; i++) if (hybridPicksHarris(7, 0, i, 0.3)) picked++;
  assert.ok(Math.abs(picked / 4000 - 0.3) < 0.03, `picked ${picked}`);
  assert.equal(hybridPicksHarris(7, 3, 11, 0.5), hybridPicksHarris(7, 3, 11, 0.5));
  let changed = 0;
  for (let i = 0; i < 100; i++)
    if (hybridPicksHarris(7, 0, i, 0.5) !== hybridPicksHarris(7, 1, i, 0.5)) changed++;
  assert.ok(changed > 20, 'choices differ between epochs');
  const set = squareSet();
  assert.deepEqual(
    applyInputMode(set, [0], 'hybrid', ctx({ hybridProbability: 1 })).images,
    applyInputMode(set, [0], 'harris', ctx()).images,
  );
  assert.deepEqual(
    applyInputMode(set, [0], 'hybrid', ctx({ hybridProbability: 0 })).images,
    whiteSquare(),
  );
});
