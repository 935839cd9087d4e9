import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, deriveSeed, randInt, shuffle } from '../../sidecar/util/random';

void test('same seed gives the same stream; different seeds differ', () => {
  const a = createRng(42);
  const b = createRng(42);
  const c = createRng(43);
  const sa = Array.from({ length: 5 }, () => a.nextUint32());
  assert.deepEqual(
    sa,
    Array.from({ length: 5 }, () => b.nextUint32()),
  );
  assert.notDeepEqual(
    sa,
    Array.from({ length: 5 }, () => c.nextUint32()),
  );
});

void test('next() is in [0, 1) with mean near 0.5; randInt covers [0, n) evenly', () => {
  const rng = createRng(7);
  let sum = 0;
  const counts = [0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < 70000; i++) {
    const u = rng.next();
    assert.ok(u >= 0 && u < 1);
    sum += u;
    counts[randInt(rng, 7)]++;
  }
  assert.ok(Math.abs(sum / 70000 - 0.5) < 0.01);
  for (const n of counts) assert.ok(Math.abs(n - 10000) < 500, `count ${n}`);
});

void test('shuffle is a seeded permutation', () => {
  const a = shuffle(
    createRng(1),
    Int32Array.from({ length: 100 }, (_, i) => i),
  );
  const b = shuffle(
    createRng(1),
    Int32Array.from({ length: 100 }, (_, i) => i),
  );
  assert.deepEqual(a, b);
  assert.deepEqual(
    Array.from(a).sort((x, y) => x - y),
    Array.from({ length: 100 }, (_, i) => i),
  );
  assert.notDeepEqual(
    Array.from(a),
    Array.from({ length: 100 }, (_, i) => i),
  );
});

void test('deriveSeed separates streams and is stable', () => {
  assert.notEqual(deriveSeed(1, 2), deriveSeed(2, 1));
  assert.equal(deriveSeed(1, 2), deriveSeed(1, 2));
  // Pinned: a change here changes every subset and hybrid choice users have stored.
  const rng = createRng(2021);
  assert.deepEqual([rng.nextUint32(), rng.nextUint32()], [1346500752, 3518034921]);
  assert.equal(deriveSeed(1, 2), 4019273163);
});
