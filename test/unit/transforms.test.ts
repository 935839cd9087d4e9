import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { gray8, luma, toGray } from '../../sidecar/transforms/gray';
import { resizeByAlpha, scaledSize } from '../../sidecar/transforms/resize';
import { rotate } from '../../sidecar/transforms/rotate';
import { createRng } from '../../sidecar/util/random';

function randomImage(n: number, seed: number): Uint8Array {
  const rng = createRng(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(rng.next() * 256));
}

void test('alpha 0.5 on 32x32 keeps exactly the even-coordinate pixels', () => {
  const img = randomImage(32 * 32 * 3, 1);
  const r = resizeByAlpha(img, 32, 32, 3, 0.5);
  assert.equal(r.height, 16);
  assert.equal(r.width, 16);
  for (let y = 0; y < 16; y++) {
    for (let x = 0; x < 16; x++) {
      for (let c = 0; c < 3; c++)
        assert.equal(r.data[(y * 16 + x) * 3 + c], img[(2 * y * 32 + 2 * x) * 3 + c]);
    }
  }
});

void test('alpha 0.75 on a horizontal ramp 30x interpolates at x * 4/3 (hand-computed 0, 40, 80)', () => {
  const img = Uint8Array.from({ length: 16 }, (_, i) => 30 * (i % 4));
  const r = resizeByAlpha(img, 4, 4, 1, 0.75);
  assert.equal(r.width, 3);
  for (let y = 0; y < 3; y++) {
    assert.ok(Math.abs(r.data[y * 3] - 0) < 1e-4);
    assert.ok(Math.abs(r.data[y * 3 + 1] - 40) < 1e-4);
    assert.ok(Math.abs(r.data[y * 3 + 2] - 80) < 1e-4);
  }
});

void test('resize matches tf.image.resizeBilinear (alignCorners false, halfPixelCenters false)', async () => {
  await tf.setBackend('cpu');
  const img = randomImage(32 * 32 * 3, 2);
  for (const alpha of [0.25, 0.5, 0.6, 0.75, 0.9, 1]) {
    const size = scaledSize(32, alpha);
    const mine = resizeByAlpha(img, 32, 32, 3, alpha).data;
    const theirs = tf.tidy(() =>
      tf.image.resizeBilinear(
        tf.tensor4d(img, [1, 32, 32, 3], 'float32'),
        [size, size],
        false,
        false,
      ),
    );
    const ref = await theirs.data();
    theirs.dispose();
    let maxDiff = 0;
    for (let i = 0; i < ref.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ref[i] - mine[i]));
    assert.ok(maxDiff < 1e-3, `alpha ${alpha}: max diff ${maxDiff}`);
  }
  assert.equal(scaledSize(28, 0.5), 14);
  assert.equal(scaledSize(10, 0.7), 7);
  assert.equal(scaledSize(28, 0.75), 21);
  assert.throws(() => scaledSize(32, 0), /alpha/);
});

void test('rotations of a 2x3 image, written out by hand', () => {
  const a = Uint8Array.from([1, 2, 3, 4, 5, 6]); // [[1,2,3],[4,5,6]]
  // 90 = transpose [[1,4],[2,5],[3,6]], then vertical flip:
  assert.deepEqual(rotate(a, 2, 3, 1, 1), {
    data: Uint8Array.from([3, 6, 2, 5, 1, 4]),
    height: 3,
    width: 2,
  });
  // 180 = vertical flip [[4,5,6],[1,2,3]], then horizontal flip:
  assert.deepEqual(rotate(a, 2, 3, 1, 2), {
    data: Uint8Array.from([6, 5, 4, 3, 2, 1]),
    height: 2,
    width: 3,
  });
  // 270 = vertical flip [[4,5,6],[1,2,3]], then transpose:
  assert.deepEqual(rotate(a, 2, 3, 1, 3), {
    data: Uint8Array.from([4, 1, 5, 2, 6, 3]),
    height: 3,
    width: 2,
  });
  assert.deepEqual(rotate(a, 2, 3, 1, 0).data, a);
});

void test('four 90° rotations compose to the identity; 90∘90 = 180 (multi-channel, non-square)', () => {
  const img = randomImage(5 * 7 * 3, 3);
  let r = { data: img, height: 5, width: 7 };
  for (let i = 0; i < 4; i++) r = rotate(r.data, r.height, r.width, 3, 1);
  assert.deepEqual(r, { data: img, height: 5, width: 7 });
  const r90 = rotate(img, 5, 7, 3, 1);
  assert.deepEqual(rotate(r90.data, r90.height, r90.width, 3, 1), rotate(img, 5, 7, 3, 2));
  const r270 = rotate(img, 5, 7, 3, 3);
  assert.deepEqual(rotate(r270.data, r270.height, r270.width, 3, 1).data, img);
});

void test('gray of known pixels: (100,150,200) → 141, (255,0,0) → 76; pseudo-gray fills every channel', () => {
  // 0.299*100 + 0.587*150 + 0.114*200 = 140.75; 0.299*255 = 76.245
  assert.equal(gray8(100, 150, 200), 141);
  assert.equal(gray8(255, 0, 0), 76);
  assert.equal(gray8(255, 255, 255), 255);
  const img = Uint8Array.from([100, 150, 200, 255, 0, 0]);
  assert.deepEqual(toGray(img, 1, 2, 3), Uint8Array.from([141, 141, 141, 76, 76, 76]));
  assert.deepEqual(Array.from(luma(img, 1, 2, 3)), [141, 76]);
  assert.ok(Math.abs(luma(img, 1, 2, 3, undefined, false)[0] - 140.75) < 1e-4);
});
