/**
 * Helpers for checking the project's wasm kernels against the pure-JS `cpu` backend
 * (the numerical oracle). Data crosses between backends only as plain arrays.
 */
import assert from 'node:assert/strict';

/** Seeded uniform [-1, 1) (mulberry32), so a failure reproduces. */
export function randomArray(size: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  }
  return out;
}

export function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Tracks the largest difference seen, for the summary line the issue asks for. */
export class DiffTracker {
  max = 0;
  /** The largest difference relative to max(1, max|expected|) of its tensor. */
  maxScaled = 0;
  compared = 0;

  /** Asserts |actual - expected| < tolerance * max(1, max|expected|) and records it. */
  check(label: string, actual: Float32Array, expected: Float32Array, tolerance = 1e-3): void {
    const diff = maxAbsDiff(actual, expected);
    const scale = Math.max(1, maxAbs(expected));
    this.max = Math.max(this.max, diff);
    this.maxScaled = Math.max(this.maxScaled, diff / scale);
    this.compared++;
    assert.ok(diff < tolerance * scale, `${label}: max abs diff ${diff} (scale ${scale})`);
  }

  summary(what: string): string {
    return (
      `${what}: max abs diff = ${this.max.toExponential(2)} ` +
      `(relative to max(1, |expected|): ${this.maxScaled.toExponential(2)}) over ${this.compared} comparisons`
    );
  }
}
