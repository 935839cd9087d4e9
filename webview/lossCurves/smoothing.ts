/**
 * TensorBoard's scalar smoothing: an exponential moving average debiased like Adam's
 * moments (divided by 1 - w^n), so the first points are not dragged towards zero.
 * Non-finite values pass through and do not advance the average, as in TensorBoard.
 */

/** The largest weight the slider offers: at 1 the average never moves. */
export const MAX_SMOOTHING = 0.999;

export function debiasedEma(values: ArrayLike<number>, weight: number): Float64Array {
  const w = Math.min(Math.max(weight, 0), MAX_SMOOTHING);
  const out = new Float64Array(values.length);
  let last = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * w + (1 - w) * v;
    count++;
    out[i] = last / (1 - Math.pow(w, count));
  }
  return out;
}
