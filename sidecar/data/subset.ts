/**
 * Limited subsets: the paper's "limited data" budget (e.g. 4,000 CIFAR-10 images = 400
 * per class). Selection is stratified and depends only on the labels, the options and
 * the seed, so compared runs on any machine see the same images; the indices come back
 * sorted so they can be stored in the run folder and diffed.
 */
import { createRng, deriveSeed, shuffle } from '../util/random';

export interface SubsetOptions {
  /** At most this many images in total, spread over classes in proportion to their size. */
  limit?: number;
  /** Exactly this many images of every class. Exclusive with `limit`. */
  perClass?: number;
  seed: number;
  /** Choose only among these indices (e.g. what is left after a held-out split). */
  from?: ArrayLike<number>;
}

/** Stratified, seeded, sorted indices into `labels`. */
export function selectSubset(labels: ArrayLike<number>, opts: SubsetOptions): Int32Array {
  if (opts.limit !== undefined && opts.perClass !== undefined) {
    throw new RangeError('selectSubset: give limit or perClass, not both');
  }
  const pool = opts.from ?? rangeIndices(labels.length);
  const byClass = groupByClass(labels, pool);
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const take = new Map<number, number>();
  if (opts.perClass !== undefined) {
    if (!Number.isInteger(opts.perClass) || opts.perClass < 1) {
      throw new RangeError(`perClass must be a positive integer, got ${opts.perClass}`);
    }
    for (const c of classes) {
      const n = byClass.get(c)?.length ?? 0;
      if (n < opts.perClass) {
        throw new RangeError(
          `perClass ${opts.perClass} asked for, but class ${c} has only ${n} images`,
        );
      }
      take.set(c, opts.perClass);
    }
  } else if (opts.limit !== undefined && opts.limit < pool.length) {
    if (!Number.isInteger(opts.limit) || opts.limit < 0) {
      throw new RangeError(`limit must be a non-negative integer, got ${opts.limit}`);
    }
    allocateProportionally(byClass, classes, opts.limit, pool.length, take);
  } else {
    for (const c of classes) take.set(c, byClass.get(c)?.length ?? 0);
  }

  const chosen: number[] = [];
  for (const c of classes) {
    const members = byClass.get(c) ?? [];
    // One stream per class: adding a class or changing another class's count leaves
    // this class's choice unchanged.
    const rng = createRng(deriveSeed(opts.seed, c, 0x5ab5e7));
    shuffle(rng, members);
    for (let i = 0; i < (take.get(c) ?? 0); i++) chosen.push(members[i]);
  }
  return Int32Array.from(chosen).sort();
}

/** `indices` without the members of `exclude`, order kept. */
export function excludeIndices(indices: ArrayLike<number>, exclude: ArrayLike<number>): Int32Array {
  const drop = new Set<number>();
  for (let i = 0; i < exclude.length; i++) drop.add(exclude[i]);
  const out: number[] = [];
  for (let i = 0; i < indices.length; i++) if (!drop.has(indices[i])) out.push(indices[i]);
  return Int32Array.from(out);
}

/** Splits a subset into a stratified held-out part (for pretext accuracy) and the rest. */
export function splitHeldOut(
  labels: ArrayLike<number>,
  subset: ArrayLike<number>,
  heldOut: number,
  seed: number,
): { train: Int32Array; heldOut: Int32Array } {
  if (heldOut <= 0) return { train: Int32Array.from(subset), heldOut: new Int32Array(0) };
  const held = selectSubset(labels, {
    limit: heldOut,
    seed: deriveSeed(seed, 0x4e1d),
    from: subset,
  });
  return { train: excludeIndices(subset, held), heldOut: held };
}

/** Images per class among `indices` (index = class label). */
export function classCounts(labels: ArrayLike<number>, indices?: ArrayLike<number>): number[] {
  const counts: number[] = [];
  const n = indices ? indices.length : labels.length;
  for (let i = 0; i < n; i++) {
    const c = labels[indices ? indices[i] : i];
    while (counts.length <= c) counts.push(0);
    counts[c]++;
  }
  return counts;
}

function rangeIndices(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

function groupByClass(labels: ArrayLike<number>, pool: ArrayLike<number>): Map<number, number[]> {
  const byClass = new Map<number, number[]>();
  // Pool order is normalised first so that the same set given in any order selects the same images.
  const sorted = Int32Array.from(pool).sort();
  for (let i = 0; i < sorted.length; i++) {
    const idx = sorted[i];
    const c = labels[idx];
    let list = byClass.get(c);
    if (!list) byClass.set(c, (list = []));
    list.push(idx);
  }
  return byClass;
}

/** Largest-remainder allocation of `limit` over classes; ties go to the smaller label. */
function allocateProportionally(
  byClass: Map<number, number[]>,
  classes: number[],
  limit: number,
  total: number,
  take: Map<number, number>,
): void {
  let assigned = 0;
  const remainders: { c: number; r: number }[] = [];
  for (const c of classes) {
    const exact = ((byClass.get(c)?.length ?? 0) * limit) / total;
    const base = Math.floor(exact);
    take.set(c, base);
    assigned += base;
    remainders.push({ c, r: exact - base });
  }
  remainders.sort((a, b) => b.r - a.r || a.c - b.c);
  for (let i = 0; assigned < limit; i++, assigned++) {
    const c = remainders[i % remainders.length].c;
    take.set(c, (take.get(c) ?? 0) + 1);
  }
}
