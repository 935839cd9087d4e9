/**
 * What `scalenet train` shows while a run goes: a live bar on a terminal, and plain
 * lines (one per epoch, one every few seconds) when the output is a file or CI log.
 */
import { SingleBar, Presets } from 'cli-progress';
import type { RunProgressParams } from '../sidecar/protocol';

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function stageLabel(p: RunProgressParams): string {
  return `stage ${p.stage + 1}/${p.stageCount} (${p.inputSize}px) epoch ${p.epoch}/${p.epochs}`;
}

export function epochLine(p: RunProgressParams): string {
  const held =
    p.validationAccuracy === undefined ? '' : ` held-out acc ${p.validationAccuracy.toFixed(3)}`;
  const knn = p.epochMetrics?.['knn/accuracy'];
  const knnText = knn === undefined ? '' : ` kNN acc ${knn.toFixed(3)}`;
  return `${stageLabel(p)}: loss ${p.loss.toFixed(4)} acc ${p.accuracy.toFixed(3)}${held}${knnText} (${p.imagesPerSecond.toFixed(0)} img/s)`;
}

export class ProgressView {
  private bar: SingleBar | undefined;
  private lastLine = 0;

  constructor(private readonly interactive: boolean) {}

  private lastMessage = '';

  update(p: RunProgressParams): void {
    if (p.phase !== 'pretext') {
      // Loading and evaluation report what they are doing, not steps.
      const message = `${p.phase}: ${p.message ?? ''}`;
      if (
        message !== this.lastMessage &&
        (this.interactive || Date.now() - this.lastLine > 2_000)
      ) {
        this.stopBar();
        this.lastMessage = message;
        this.lastLine = Date.now();
        console.log(message);
      }
      return;
    }
    if (p.validationAccuracy !== undefined) {
      this.stopBar();
      console.log(epochLine(p));
      return;
    }
    const payload = {
      label: stageLabel(p),
      loss: p.loss.toFixed(4),
      acc: p.accuracy.toFixed(3),
      ips: p.imagesPerSecond.toFixed(0),
      eta: formatDuration(p.etaSeconds),
    };
    if (!this.interactive) {
      if (Date.now() - this.lastLine > 10_000) {
        this.lastLine = Date.now();
        console.log(
          `${payload.label} step ${p.step}/${p.stepsPerEpoch}: loss ${payload.loss} acc ${payload.acc} ${payload.ips} img/s ETA ${payload.eta}`,
        );
      }
      return;
    }
    if (!this.bar) {
      this.bar = new SingleBar(
        {
          format: '{label} [{bar}] {value}/{total} loss {loss} acc {acc} {ips} img/s ETA {eta}',
          hideCursor: true,
        },
        Presets.shades_classic,
      );
      this.bar.start(p.stepsPerEpoch, p.step, payload);
    }
    this.bar.update(p.step, payload);
  }

  stopBar(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}
