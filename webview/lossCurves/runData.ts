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
  firstTime: number;
}

export function emptyRun(runId: string, label: string): RunData {
  return {
    runId,
    label,
    metrics: new Map(),
    declared: new Map(),
    seen: new Map(),
    firstTime: Infinity,
  };
}

/** Adds points; a point not after the last one of its metric replaces it (live then history). */
export function addPoints(run: RunData, points: MetricPoint[], stage?: StageLength): void {
  if (stage) run.declared.set(stage.stage, stage);
  for (const p of points) {
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

/** x of every point of `cols` on `axis` (time: seconds since the run's first point). */
export function xValues(run: RunData, cols: MetricColumns, axis: XAxis): Float64Array {
  const offsets = stageOffsets(run);
  const x = new Float64Array(cols.step.length);
  for (let i = 0; i < x.length; i++) {
    const s = cols.stage[i];
    x[i] =
      axis === 'step'
        ? (offsets.steps[s] ?? 0) + cols.step[i]
        : axis === 'epoch'
          ? (offsets.epochs[s] ?? 0) + cols.epoch[i]
          : (cols.time[i] - run.firstTime) / 1000;
  }
  return x;
}

/** x where each stage after the first begins, with its label, for the boundary marks. */
export function stageBoundaries(run: RunData, axis: XAxis): { x: number; label: string }[] {
  const offsets = stageOffsets(run);
  const marks: { x: number; label: string }[] = [];
  for (let s = 1; s < offsets.steps.length; s++) {
    const scale = run.declared.get(s)?.scale;
    const label = `stage ${s + 1}${scale !== undefined ? ` (α ${scale})` : ''}`;
    const first = run.seen.get(s)?.firstTime;
    if (axis === 'time' && first === undefined) continue;
    const x =
      axis === 'step'
        ? offsets.steps[s]
        : axis === 'epoch'
          ? offsets.epochs[s]
          : ((first ?? 0) - run.firstTime) / 1000;
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
