/**
 * `run/progress` → loss-curve points (no vscode import, so it is unit-tested). Progress
 * carries running means over the epoch so far; metrics.jsonl keeps the same values for
 * every report the sidecar sent (its per-step records) and at each epoch's end, so a
 * reopened chart replays the live one.
 */
import type { RunProgressParams } from '../../sidecar/protocol';
import { stepPosition } from '../../sidecar/protocol/metricsLog';
import type { MetricPoint, StageLength } from '../../webview/protocol';

/** The chart points of one progress report (none while loading or checkpointing). */
export function progressPoints(
  p: RunProgressParams,
  now: number,
): { points: MetricPoint[]; stage: StageLength } {
  const stage = {
    stage: p.stage,
    steps: p.epochs * p.stepsPerEpoch,
    epochs: p.epochs,
    scale: p.scale,
  };
  if (p.phase !== 'pretext' || p.stepsPerEpoch === 0) return { points: [], stage };
  const at = { stage: p.stage, ...stepPosition(p), time: now };
  const values: Record<string, number> = {
    'pretext/loss': p.loss,
    'pretext/train_accuracy': p.accuracy,
  };
  if (p.validationAccuracy !== undefined) values['pretext/accuracy'] = p.validationAccuracy;
  Object.assign(values, p.epochMetrics ?? {});
  return {
    points: Object.entries(values).map(([metric, value]) => ({ ...at, metric, value })),
    stage,
  };
}
