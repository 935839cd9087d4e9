/**
 * One estimate of the time left for a whole run: every pretext stage, the held-out and
 * kNN pass after each epoch, and the downstream evaluation after the last stage. Work is
 * counted in "pixel-inputs" (network inputs × side²; a forward-only pass counts a third
 * of a training one), and each kind of work gets its own measured seconds per unit, so
 * the estimate neither drops to zero at an epoch's end nor starts over at each epoch.
 * Pure: fed (time, progress) pairs, it serves the sidecar live and a recorded run in tests.
 */
import type { RunProgressParams, ScaleNetConfig } from '../protocol';
import { scaledSize } from '../transforms/resize';

/** What the estimate needs to know about the data, beyond the config. */
export interface EtaData {
  /** Side of the training images before scaling. */
  imageSize: number;
  stepsPerEpoch: number;
  trainCount: number;
  testCount: number;
}

export interface EtaPlan {
  stages: { size: number; epochs: number; stepsPerEpoch: number; unitsPerStep: number }[];
  /** Units of one epoch's end-of-epoch pass, per stage. */
  epochEndUnits: number[];
  /** Units of each downstream task, in the order they run (fine-tune budgets, then linear). */
  evaluationUnits: number[];
}

type Kind = 'train' | 'epochEnd' | 'evaluation';

/** A forward pass costs about a third of forward + backward + update. */
const FORWARD = 1 / 3;

export function etaPlanOf(config: ScaleNetConfig, data: EtaData): EtaPlan {
  const { pretext, evaluation, method } = config;
  const full = data.imageSize;
  // Rotation steps see every image four times; SimCLR two views of it.
  const inputsPerImage = method === 'simclr' ? 2 : 4;
  const test = Math.min(evaluation.testImages, data.testCount);
  const stages = pretext.scales.map((scale, s) => {
    const size = scaledSize(full, scale);
    return {
      size,
      epochs: pretext.epochs[s],
      stepsPerEpoch: data.stepsPerEpoch,
      unitsPerStep: pretext.batchSize * inputsPerImage * size * size,
    };
  });
  const epochEndUnits = stages.map(({ size }) => {
    const heldOut = Math.min(pretext.heldOut, data.testCount) * inputsPerImage;
    const knn = evaluation.knn.enabled
      ? Math.min(evaluation.knn.bankImages, data.trainCount) + test
      : 0;
    return (heldOut + knn) * size * size * FORWARD;
  });
  const pixels = full * full;
  const evaluationUnits = [
    ...evaluation.finetune.labels.map(
      (labels) =>
        (Math.min(labels, data.trainCount) * evaluation.finetune.epochs + test * FORWARD) * pixels,
    ),
    ...evaluation.linear.labels.map(
      (labels) => (Math.min(labels, data.trainCount) + test) * pixels * FORWARD,
    ),
  ];
  return { stages, epochEndUnits, evaluationUnits };
}

/** Where a progress report says the run is, as units done of each kind. */
interface Position {
  train: number;
  epochEnd: number;
  evaluation: number;
}

export class RunEta {
  private readonly total: Position;
  private last: { t: number; at: Position } | undefined;
  private readonly seconds: Record<Kind, number> = { train: 0, epochEnd: 0, evaluation: 0 };
  private readonly units: Record<Kind, number> = { train: 0, epochEnd: 0, evaluation: 0 };
  private intervals = 0;

  constructor(private readonly plan: EtaPlan) {
    this.total = this.positionAt(plan.stages.length, 0, 0, 0, false);
    this.total.evaluation = plan.evaluationUnits.reduce((a, b) => a + b, 0);
  }

  /** Seconds left after the report `p` arrived at time `t` (ms). */
  observe(t: number, p: Omit<RunProgressParams, 'runId'>): number {
    const at = this.positionOf(p);
    if (!at) return this.estimate(this.last?.at);
    if (this.last) this.learn(t - this.last.t, this.last.at, at);
    this.last = { t, at };
    return this.estimate(at);
  }

  private positionOf(p: Omit<RunProgressParams, 'runId'>): Position | undefined {
    if (p.phase === 'pretext') {
      // The epoch-end report carries the held-out accuracy: that pass is done then.
      const ended = p.validationAccuracy !== undefined;
      return this.positionAt(p.stage, p.epoch - 1, p.step, 0, ended);
    }
    if (p.phase === 'evaluating' && p.evaluationTask) {
      const at = this.positionAt(this.plan.stages.length, 0, 0, 0, false);
      const { index, fraction } = p.evaluationTask;
      const before = this.plan.evaluationUnits.slice(0, index).reduce((a, b) => a + b, 0);
      at.evaluation = before + fraction * (this.plan.evaluationUnits[index] ?? 0);
      return at;
    }
    return undefined;
  }

  /** Units done at (stage, epochs finished in it, steps into the next, evaluation units). */
  private positionAt(
    stage: number,
    epochsDone: number,
    step: number,
    evaluation: number,
    epochEnded: boolean,
  ): Position {
    const at: Position = { train: 0, epochEnd: 0, evaluation };
    this.plan.stages.forEach((s, i) => {
      if (i > stage) return;
      const epochs = i < stage ? s.epochs : epochsDone;
      at.train += (epochs * s.stepsPerEpoch + (i === stage ? step : 0)) * s.unitsPerStep;
      const ends = i < stage ? s.epochs : epochsDone + (epochEnded ? 1 : 0);
      at.epochEnd += ends * this.plan.epochEndUnits[i];
    });
    return at;
  }

  /** Splits an interval's time over the kinds of work done in it, at the current rates. */
  private learn(ms: number, from: Position, to: Position): void {
    const done: Record<Kind, number> = {
      train: to.train - from.train,
      epochEnd: to.epochEnd - from.epochEnd,
      evaluation: to.evaluation - from.evaluation,
    };
    const kinds = (Object.keys(done) as Kind[]).filter((k) => done[k] > 0);
    if (kinds.length === 0 || ms <= 0) return;
    // The run's first interval holds compilation and warm-up: not a rate of anything.
    if (this.intervals++ === 0) return;
    if (kinds.length === 1) {
      this.seconds[kinds[0]] += ms / 1000;
      this.units[kinds[0]] += done[kinds[0]];
      return;
    }
    // Mixed (steps, then the epoch-end pass): known rates take their share first, the
    // rest goes to the kind whose rate is least known.
    const unknown = kinds.find((k) => this.units[k] === 0) ?? kinds[kinds.length - 1];
    let rest = ms / 1000;
    for (const k of kinds) {
      if (k === unknown) continue;
      const share = Math.min(rest, done[k] * this.rate(k));
      this.seconds[k] += share;
      this.units[k] += done[k];
      rest -= share;
    }
    this.seconds[unknown] += rest;
    this.units[unknown] += done[unknown];
  }

  /** Seconds per unit of a kind; unmeasured kinds borrow the training rate. */
  private rate(kind: Kind): number {
    if (this.units[kind] > 0) return this.seconds[kind] / this.units[kind];
    if (this.units.train > 0) return this.seconds.train / this.units.train;
    return NaN;
  }

  private estimate(at: Position | undefined): number {
    if (!at) return NaN;
    let left = 0;
    for (const kind of ['train', 'epochEnd', 'evaluation'] as Kind[]) {
      left += Math.max(0, this.total[kind] - at[kind]) * this.rate(kind);
    }
    return left;
  }
}
