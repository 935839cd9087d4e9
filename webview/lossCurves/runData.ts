/**
 * The loss-curve panel's model: per run and metric, columns of points as they arrive
 * (history first, then live points), and the x positions on each axis. Steps and
 * epochs restart at every stage in metrics.jsonl, so the x of a point is its stage's
 * offset (the lengths of the stages before it) plus its own step or epoch. Pure data:
 * no DOM, so it is unit-tested and cheap to recompute for 100,000 points.
 */
import type { MetricPoint, RunSeries, StageLength, XAxis } from '../protocol';

export interface MetricColumns {
  stage: number[];
  step: number[];
  epoch: number[];
  time: number[];
  value: number[];
}

export interface RunData {
  runId: string;
  label: string;
  metrics: Map<string, MetricColumns>;
  /** Declared stage lengths (live progress; steps 0 when unknown) and the largest step/epoch seen. */
  declared: Map<number, StageLength>;
  seen: Map<number, { steps: number; epochs: number; firstTime: number }>;
  /** Stages with pretext points: only these get a boundary mark (evaluation is logged after the last). */
  pretextStages: Set<number>;
  firstTime: number;
  /** Points added so far, so derived data (the pauses) is recomputed only when it changed. */
  added: number;
  pauses?: { added: number; pauses: Pause[] };
}

/** A stretch without records long enough to be a stop and a resume (see findPauses). */
export interface Pause {
  /** The time of the last record before it (ms since 1970). */
  after: number;
  /** How much of it training time leaves out (ms): all but one ordinary gap. */
  removed: number;
}

export function emptyRun(runId: string, label: string): RunData {
  return {
    runId,
    label,
    metrics: new Map(),
    declared: new Map(),
    seen: new Map(),
    pretextStages: new Set(),
    firstTime: Infinity,
    added: 0,
  };
}

/** Adds points; a point not after the last one of its metric replaces it (live then history). */
export function addPoints(run: RunData, points: MetricPoint[], stage?: StageLength): void {
  if (stage) run.declared.set(stage.stage, stage);
  run.added += points.length;
  for (const p of points) {
    if (p.metric.startsWith('pretext/')) run.pretextStages.add(p.stage);
    let cols = run.metrics.get(p.metric);
    if (!cols)
      run.metrics.set(p.metric, (cols = { stage: [], step: [], epoch: [], time: [], value: [] }));
    const n = cols.step.length;
    const last = n - 1;
    const notAfter =
      n > 0 &&
      (p.stage < cols.stage[last] || (p.stage === cols.stage[last] && p.step <= cols.step[last]));
    const i = notAfter ? last : n;
    cols.stage[i] = p.stage;
    cols.step[i] = p.step;
    cols.epoch[i] = p.epoch;
    cols.time[i] = p.time;
    cols.value[i] = p.value;
    const s = run.seen.get(p.stage) ?? { steps: 0, epochs: 0, firstTime: p.time };
    run.seen.set(p.stage, {
      steps: Math.max(s.steps, p.step),
      epochs: Math.max(s.epochs, p.epoch),
      firstTime: Math.min(s.firstTime, p.time),
    });
    run.firstTime = Math.min(run.firstTime, p.time);
  }
}

export function runFromSeries(series: RunSeries): RunData {
  const run = emptyRun(series.runId, series.label);
  for (const s of series.stages) run.declared.set(s.stage, s);
  addPoints(run, series.points);
  return run;
}

/** Where each stage starts on the step and epoch axes (index = stage). */
export function stageOffsets(run: RunData): { steps: number[]; epochs: number[] } {
  const live = [...run.declared.values()].filter((d) => d.steps > 0).map((d) => d.stage);
  const last = Math.max(-1, ...run.seen.keys(), ...live);
  const steps = [0];
  const epochs = [0];
  for (let s = 0; s < last; s++) {
    // A declared length wins once it is known (steps > 0): a live stage is not over yet.
    const declared = run.declared.get(s);
    const length =
      declared && declared.steps > 0 ? declared : (run.seen.get(s) ?? { steps: 0, epochs: 0 });
    steps.push(steps[s] + length.steps);
    epochs.push(epochs[s] + length.epochs);
  }
  return { steps, epochs };
}

/**
 * A gap between records longer than this many ordinary gaps (the median), and than
 * PAUSE_MIN_MS, is a stop and a later resume: the run wrote nothing because it was not
 * running. Training itself writes at least once an epoch, and an epoch or an evaluation
 * pass is not 20 times longer than the typical gap.
 */
export const PAUSE_FACTOR = 20;
export const PAUSE_MIN_MS = 5 * 60_000;

/** The pauses in a run's record times (any order, repeats allowed). */
export function findPauses(times: ArrayLike<number>): Pause[] {
  const sorted = [...new Set(Array.from(times))].sort((a, b) => a - b);
  if (sorted.length < 3) return [];
  const gaps = sorted.slice(1).map((t, i) => t - sorted[i]);
  const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)];
  const threshold = Math.max(PAUSE_MIN_MS, PAUSE_FACTOR * median);
  const pauses: Pause[] = [];
  gaps.forEach((gap, i) => {
    if (gap > threshold) pauses.push({ after: sorted[i], removed: gap - median });
  });
  return pauses;
}

function pausesOf(run: RunData): Pause[] {
  if (run.pauses?.added === run.added) return run.pauses.pauses;
  const times: number[] = [];
  for (const cols of run.metrics.values()) for (const t of cols.time) times.push(t);
  const pauses = findPauses(times);
  run.pauses = { added: run.added, pauses };
  return pauses;
}

/** Seconds of training from the run's first record to `time` (ms), pauses left out. */
function trainingSeconds(run: RunData, time: number, pauses: Pause[]): number {
  let removed = 0;
  for (const p of pauses) if (p.after < time) removed += p.removed;
  return (time - run.firstTime - removed) / 1000;
}

/**
 * x of every point of `cols` on `axis`: `time` is seconds of training since the run's
 * first point (stop → resume pauses left out), `wallTime` the clock time in seconds
 * since 1970 (uPlot's time scale).
 */
export function xValues(run: RunData, cols: MetricColumns, axis: XAxis): Float64Array {
  const offsets = stageOffsets(run);
  const pauses = axis === 'time' ? pausesOf(run) : [];
  const x = new Float64Array(cols.step.length);
  for (let i = 0; i < x.length; i++) {
    const s = cols.stage[i];
    x[i] =
      axis === 'step'
        ? (offsets.steps[s] ?? 0) + cols.step[i]
        : axis === 'epoch'
          ? (offsets.epochs[s] ?? 0) + cols.epoch[i]
          : axis === 'time'
            ? trainingSeconds(run, cols.time[i], pauses)
            : cols.time[i] / 1000;
  }
  return x;
}

/**
 * x where each pretext stage after the first begins, with its label, for the boundary
 * marks. Evaluation metrics come after the last stage (metrics.jsonl logs them under the
 * next stage number): no mark for them.
 */
export function stageBoundaries(run: RunData, axis: XAxis): { x: number; label: string }[] {
  const offsets = stageOffsets(run);
  const pauses = axis === 'time' ? pausesOf(run) : [];
  const marks: { x: number; label: string }[] = [];
  for (let s = 1; s < offsets.steps.length; s++) {
    if (!run.declared.has(s) && !run.pretextStages.has(s)) continue;
    const scale = run.declared.get(s)?.scale;
    const label = `stage ${s + 1}${scale !== undefined ? ` (α ${scale})` : ''}`;
    const first = run.seen.get(s)?.firstTime;
    const onTime = axis === 'time' || axis === 'wallTime';
    if (onTime && first === undefined) continue;
    const x =
      axis === 'step'
        ? offsets.steps[s]
        : axis === 'epoch'
          ? offsets.epochs[s]
          : axis === 'time'
            ? trainingSeconds(run, first ?? 0, pauses)
            : (first ?? 0) / 1000;
    marks.push({ x, label });
  }
  return marks;
}

const ORDER = ['pretext/loss', 'pretext/train_accuracy', 'pretext/accuracy', 'knn/accuracy'];

/** Every metric of the runs, in a reading order: pretext, kNN, downstream, then the rest, lr last. */
export function metricNames(runs: RunData[]): string[] {
  const all = new Set<string>();
  for (const r of runs) for (const m of r.metrics.keys()) all.add(m);
  const rank = (m: string) => {
    const i = ORDER.indexOf(m);
    if (i >= 0) return i;
    if (/^(finetune|linear|downstream)\//.test(m)) return ORDER.length;
    return m === 'lr' ? ORDER.length + 2 : ORDER.length + 1;
  };
  return [...all].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

const TITLES: Record<string, string> = {
  'pretext/loss': 'Pretext loss',
  'pretext/train_accuracy': 'Pretext accuracy (training batches)',
  'pretext/accuracy': 'Pretext validation accuracy (held out)',
  'knn/accuracy': 'kNN accuracy',
  lr: 'Learning rate',
};

export function metricTitle(metric: string): string {
  return TITLES[metric] ?? metric;
}
