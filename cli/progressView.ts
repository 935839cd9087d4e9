/**
 * What `scalenet train` shows while a run goes: a live bar on a terminal, and plain
 * lines (the first at once, then one per epoch and one every few seconds) when the
 * output is a file or CI log.
 */
import { SingleBar, Presets } from 'cli-progress';
import type { RunProgressParams } from '../sidecar/protocol';

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
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

/** Loading and evaluation report what they are doing, not steps. */
function phaseLine(p: RunProgressParams): string {
  const eta = p.phase === 'evaluating' ? ` (ETA ${formatDuration(p.etaSeconds)})` : '';
  return `${p.phase}: ${p.message ?? ''}${eta}`;
}

/** Plain lines on a non-terminal: at most one step line per this interval. */
const PLAIN_LINE_INTERVAL_MS = 10_000;

export class ProgressView {
  private bar: SingleBar | undefined;
  private lastStepLine = 0;
  private lastPhaseLine = 0;
  private lastMessage = '';
  private lastStageEpoch = '';
  private stopping = false;

  constructor(
    private readonly interactive: boolean,
    /** Where the bar draws (a terminal); plain lines go to console.log. */
    private readonly stream: NodeJS.WriteStream = process.stdout,
  ) {}

  update(p: RunProgressParams): void {
    // After "Stopping at the next batch…" the steps still in flight are not news.
    if (this.stopping) return;
    if (p.phase !== 'pretext') {
      const message = phaseLine(p);
      const changed = message.split(' (ETA')[0] !== this.lastMessage;
      if (changed && (this.interactive || Date.now() - this.lastPhaseLine > 2_000)) {
        this.stopBar();
        this.lastMessage = message.split(' (ETA')[0];
        this.lastPhaseLine = Date.now();
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
      // Not `eta`: cli-progress fills {eta} itself (bare seconds, INF, NULL).
      etaText: formatDuration(p.etaSeconds),
    };
    if (!this.interactive) {
      // The first step line of every epoch at once, then one every 10 s.
      const stageEpoch = `${p.stage}/${p.epoch}`;
      if (
        stageEpoch !== this.lastStageEpoch ||
        Date.now() - this.lastStepLine > PLAIN_LINE_INTERVAL_MS
      ) {
        this.lastStageEpoch = stageEpoch;
        this.lastStepLine = Date.now();
        console.log(
          `${payload.label} step ${p.step}/${p.stepsPerEpoch}: loss ${payload.loss} acc ${payload.acc} ${payload.ips} img/s ETA ${payload.etaText}`,
        );
      }
      return;
    }
    if (!this.bar) {
      this.bar = new SingleBar(
        {
          format: '{label} [{bar}] {value}/{total} loss {loss} acc {acc} {ips} img/s ETA {etaText}',
          hideCursor: true,
          stream: this.stream,
        },
        Presets.shades_classic,
      );
      this.bar.start(p.stepsPerEpoch, p.step, payload);
    }
    this.bar.update(p.step, payload);
  }

  /** A stop was asked for: end the bar and show no more steps. */
  freeze(): void {
    this.stopping = true;
    this.stopBar();
  }

  stopBar(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}
