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

/**
 * Fewer points than this are drawn as they are. Per-epoch metrics give 2–4 points a
 * stage: an average over a handful of values moves the bold line off every one of them
 * (0.075 drawn where the value is 0.05), and there is no noise to take out.
 */
export const MIN_POINTS_TO_SMOOTH = 20;

/** A schedule (the learning rate) is set, not measured: smoothing it only blurs its steps. */
export function isSchedule(metric: string): boolean {
  return /(^|\/)(lr|learning_rate)$/.test(metric);
}

/** The bold line of a series: its EMA when it is a noisy measurement with enough points, else the values. */
export function smoothSeries(
  metric: string,
  values: ArrayLike<number>,
  weight: number,
): { line: Float64Array; smoothed: boolean } {
  if (weight <= 0 || isSchedule(metric) || values.length < MIN_POINTS_TO_SMOOTH) {
    return { line: Float64Array.from(values), smoothed: false };
  }
  return { line: debiasedEma(values, weight), smoothed: true };
}
