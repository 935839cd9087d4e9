/**
 * Means, spreads and 95% confidence intervals of differences. Seeds that both rows ran
 * are paired (the same seed picks the same images and initial weights, so the paired
 * difference removes that shared noise); otherwise Welch's interval for two means.
 * Student t quantiles come from jStat.
 */
import { jStat } from 'jstat';

export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Sample standard deviation (n - 1); 0 for a single value. */
export function sampleStd(xs: number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

/** The p-quantile of Student's t with `df` degrees of freedom. */
export function tQuantile(p: number, df: number): number {
  return jStat.studentt.inv(p, df);
}

export interface Difference {
  /** mean(a) - mean(b), or the mean of the paired differences. */
  estimate: number;
  low: number;
  high: number;
  /** Pairs (paired) or the smaller group (Welch). */
  n: number;
  paired: boolean;
  df: number;
}

/**
 * a − b with a 95% interval. `a` and `b` map seed → value; seeds in both are paired
 * when every seed is in both, else the two groups are compared as independent.
 * Undefined when an interval cannot be formed (fewer than 2 values on a side).
 */
export function difference(
  a: Map<number, number>,
  b: Map<number, number>,
  level = 0.95,
): Difference | undefined {
  const shared = [...a.keys()].filter((s) => b.has(s));
  const q = (df: number) => tQuantile(1 - (1 - level) / 2, df);
  if (shared.length === a.size && shared.length === b.size && shared.length >= 2) {
    const d = shared.map((s) => a.get(s)! - b.get(s)!);
    const n = d.length;
    const half = (q(n - 1) * sampleStd(d)) / Math.sqrt(n);
    const m = mean(d);
    return { estimate: m, low: m - half, high: m + half, n, paired: true, df: n - 1 };
  }
  const xa = [...a.values()];
  const xb = [...b.values()];
  if (xa.length < 2 || xb.length < 2) return undefined;
  const va = sampleStd(xa) ** 2 / xa.length;
  const vb = sampleStd(xb) ** 2 / xb.length;
  const se = Math.sqrt(va + vb);
  // Welch–Satterthwaite; equal zero spreads leave an exact difference (df irrelevant).
  const df =
    se === 0
      ? xa.length + xb.length - 2
      : (va + vb) ** 2 / (va ** 2 / (xa.length - 1) + vb ** 2 / (xb.length - 1));
  const m = mean(xa) - mean(xb);
  const half = q(df) * se;
  return {
    estimate: m,
    low: m - half,
    high: m + half,
    n: Math.min(xa.length, xb.length),
    paired: false,
    df,
  };
}

/** "ScaleNet [0.5, 1] ahead by 1.7 points, 95% CI [0.4, 3.0], 3 seeds (paired)". */
export function verdict(
  row: string,
  baseline: string,
  d: Difference | undefined,
  what: string,
): string {
  if (!d) return `${row} vs ${baseline} on ${what}: too few runs for an interval.`;
  const points = (v: number) => (100 * v).toFixed(1);
  const ci = `95% CI [${points(d.low)}, ${points(d.high)}]`;
  const runs = d.paired ? `${d.n} seeds, paired` : `${d.n}+ runs per side, unpaired`;
  const size = Math.abs(100 * d.estimate).toFixed(1);
  const direction = d.estimate >= 0 ? 'ahead of' : 'behind';
  const certain =
    d.low > 0 || d.high < 0 ? '' : ' — the interval includes 0: not a clear difference';
  return `${row} ${direction} ${baseline} by ${size} points on ${what}, ${ci}, ${runs}${certain}.`;
}
