/**
 * Seeded pseudo-random numbers for everything that must repeat exactly across machines
 * and backends: subsets, shuffles, hybrid choices, augmentations. Only 32-bit integer
 * arithmetic (Math.imul, >>>) is used, so results do not depend on the platform's
 * floating point or on Math.random.
 */

/** A small deterministic generator (mulberry32); one instance per stream of choices. */
export interface Rng {
  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number;
  /** Uniform unsigned 32-bit integer. */
  nextUint32(): number;
}

/** Mixes any number of integers into one 32-bit seed (splitmix32-style finaliser). */
export function deriveSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    // Fold doubles and negatives into 32 bits first so that e.g. seed 1e10 still works.
    const v = Number.isSafeInteger(part) ? part : Math.floor(part * 1e6);
    h = mix32((h ^ (v | 0)) + Math.imul(Math.floor(v / 4294967296) | 0, 0x85ebca6b));
  }
  return h >>> 0;
}

function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export function createRng(seed: number): Rng {
  let state = deriveSeed(seed) | 0;
  const nextUint32 = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
  return { nextUint32, next: () => nextUint32() / 4294967296 };
}

/** Uniform integer in [0, n), without modulo bias (rejection sampling). */
export function randInt(rng: Rng, n: number): number {
  if (!(n >= 1) || n > 4294967296 || !Number.isInteger(n)) {
    throw new RangeError(`randInt: n must be an integer in [1, 2^32], got ${n}`);
  }
  const limit = 4294967296 - (4294967296 % n);
  let x = rng.nextUint32();
  while (x >= limit) x = rng.nextUint32();
  return x % n;
}

/** Uniform float in [lo, hi). */
export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.next();
}

/** Fisher-Yates shuffle in place; returns the same array. */
export function shuffle<T extends { length: number; [i: number]: unknown }>(rng: Rng, a: T): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = randInt(rng, i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}
