import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classCounts, excludeIndices, selectSubset, splitHeldOut } from '../../sidecar/data/subset';

// 3 classes of 50, 30 and 20 images, interleaved.
const labels = Int32Array.from({ length: 100 }, (_, i) => (i % 10 < 5 ? 0 : i % 10 < 8 ? 1 : 2));

void test('perClass: exactly K of every class, sorted, deterministic', () => {
  const a = selectSubset(labels, { perClass: 10, seed: 3 });
  assert.equal(a.length, 30);
  assert.deepEqual(classCounts(labels, a), [10, 10, 10]);
  assert.deepEqual(a, selectSubset(labels, { perClass: 10, seed: 3 }));
  for (let i = 1; i < a.length; i++) assert.ok(a[i] > a[i - 1]);
  assert.notDeepEqual(a, selectSubset(labels, { perClass: 10, seed: 4 }));
});

void test('limit: proportional counts by largest remainder (50/30/20 of 100 → 5/3/2 of 10, 4/2/1 of 7)', () => {
  assert.deepEqual(classCounts(labels, selectSubset(labels, { limit: 10, seed: 1 })), [5, 3, 2]);
  // 7 * 0.5 = 3.5, 7 * 0.3 = 2.1, 7 * 0.2 = 1.4 → floors 3/2/1, one left → class 0 (.5 largest).
  assert.deepEqual(classCounts(labels, selectSubset(labels, { limit: 7, seed: 1 })), [4, 2, 1]);
  assert.equal(selectSubset(labels, { limit: 1000, seed: 1 }).length, 100);
});

void test('perClass larger than a class is an error, not fewer images', () => {
  assert.throws(() => selectSubset(labels, { perClass: 25, seed: 1 }), /class 2 has only 20/);
  assert.throws(() => selectSubset(labels, { perClass: 2, limit: 3, seed: 1 }), /not both/);
});

void test('held-out split is disjoint, stratified and covers the subset', () => {
  const subset = selectSubset(labels, { perClass: 20, seed: 9 });
  const { train, heldOut } = splitHeldOut(labels, subset, 6, 9);
  assert.equal(heldOut.length, 6);
  assert.deepEqual(classCounts(labels, heldOut), [2, 2, 2]);
  assert.equal(train.length, 54);
  const all = new Set([...train, ...heldOut]);
  assert.equal(all.size, 60);
  for (const i of subset) assert.ok(all.has(i));
  assert.deepEqual(excludeIndices(Int32Array.from([5, 1, 9, 3]), [9, 1]), Int32Array.from([5, 3]));
});
