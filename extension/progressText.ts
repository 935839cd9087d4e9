/**
 * Words and numbers for a run's progress, shared by the notification, the status bar and
 * the CodeLens. No `vscode` import, so that it is unit-tested under plain Node.
 */
import type { RunFinishedParams, RunProgressParams } from '../sidecar/protocol/index';

/** "45s", "2m", "1h 05m": coarse on purpose, since the estimate itself is coarse. */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** The whole run's completed fraction, counting each stage of the scale chain equally. */
export function runFraction(p: RunProgressParams): number {
  // Evaluation comes after the whole chain; its report's stage/epoch fields are zeros.
  if (p.phase === 'evaluating') return 1;
  const stepFraction = p.stepsPerEpoch > 0 ? Math.min(p.step / p.stepsPerEpoch, 1) : 0;
  const epochFraction = p.epochs > 0 ? (p.epoch - 1 + stepFraction) / p.epochs : 0;
  const fraction = p.stageCount > 0 ? (p.stage + epochFraction) / p.stageCount : 0;
  return Math.min(Math.max(fraction, 0), 1);
}

/**
 * The evaluation phase as itself: "fine-tune, 400 labels · epoch 3/8", from the task the
 * sidecar names and its status message ("fine-tune, 400 labels: epoch 3/8, loss 0.5").
 * The pretext fields of an evaluation report (stage 1, 0 px, epoch 0) mean nothing.
 */
function evaluationWhat(p: RunProgressParams): string {
  const message = p.message ?? '';
  const name = p.evaluationTask?.name ?? message.split(':')[0];
  const detail = message.includes(':') ? message.slice(message.indexOf(':') + 1).trim() : '';
  const count = p.evaluationTask
    ? ` (${p.evaluationTask.index + 1}/${p.evaluationTask.count})`
    : '';
  const parts = [`${name || 'evaluating'}${count}`];
  if (detail && detail !== 'starting') parts.push(detail.replace(/, /g, ' · '));
  return parts.join(' · ');
}

/** "stage 1/2 · epoch 3/10 · ETA 2m": short enough for the status bar. */
export function shortProgress(p: RunProgressParams): string {
  if (p.phase === 'evaluating') {
    const name = p.evaluationTask?.name ?? (p.message ?? '').split(':')[0];
    return `evaluating · ${name || '…'} · ETA ${formatEta(p.etaSeconds)}`;
  }
  // Before the first epoch (loading, epoch 0) an epoch count would read "epoch 0/3".
  if (p.phase === 'loading') return `stage ${p.stage + 1}/${p.stageCount} · ${PHASE_WORDS.loading}`;
  const parts = [`stage ${p.stage + 1}/${p.stageCount}`, `epoch ${p.epoch}/${p.epochs}`];
  if (p.phase === 'pretext') parts.push(`ETA ${formatEta(p.etaSeconds)}`);
  else parts.push(PHASE_WORDS[p.phase]);
  return parts.join(' · ');
}

const PHASE_WORDS: Record<RunProgressParams['phase'], string> = {
  loading: 'loading data…',
  pretext: 'training',
  evaluating: 'evaluating…',
  checkpoint: 'writing checkpoint…',
};

/** The notification line: everything a user watches while it trains. */
export function longProgress(p: RunProgressParams): string {
  if (p.phase === 'loading') return p.message ?? PHASE_WORDS.loading;
  if (p.phase === 'evaluating') return `${evaluationWhat(p)} · ETA ${formatEta(p.etaSeconds)}`;
  const parts = [
    `stage ${p.stage + 1}/${p.stageCount} (${p.inputSize}px)`,
    `epoch ${p.epoch}/${p.epochs}`,
    `loss ${p.loss.toFixed(3)}`,
    `acc ${formatPercent(p.accuracy)}`,
    `${Math.round(p.imagesPerSecond)} img/s`,
    `ETA ${formatEta(p.etaSeconds)}`,
  ];
  if (p.phase !== 'pretext') parts.push(PHASE_WORDS[p.phase]);
  if (p.message) parts.push(p.message);
  return parts.join(' · ');
}

/** The headline of a finished run: the final pretext accuracy, whatever the stage naming. */
export function finalAccuracy(f: RunFinishedParams): number | undefined {
  const { metrics } = f;
  const keys = ['pretext/accuracy', 'pretext/validationAccuracy', 'accuracy'];
  for (const key of keys) {
    if (typeof metrics[key] === 'number') return metrics[key];
  }
  const perStage = Object.keys(metrics)
    .filter((k) => /^stage\d+\/.*accuracy$/.test(k))
    .sort();
  return perStage.length > 0 ? metrics[perStage[perStage.length - 1]] : undefined;
}
