/**
 * The loss-curve panel's maths, without a browser: TensorBoard's debiased EMA against
 * values computed by hand, and x positions that continue across the stages of a chain
 * (metrics.jsonl restarts step and epoch at every stage).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addPoints,
  emptyRun,
  findPauses,
  metricNames,
  runFromSeries,
  stageBoundaries,
  xValues,
} from '../../webview/lossCurves/runData';
import { toCsv } from '../../webview/lossCurves/exportFiles';
import {
  debiasedEma,
  isSchedule,
  MAX_SMOOTHING,
  MIN_POINTS_TO_SMOOTH,
  smoothSeries,
} from '../../webview/lossCurves/smoothing';
import { progressPoints } from '../../extension/panels/progressPoints';

const close = (actual: ArrayLike<number>, expected: number[]) => {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) =>
    assert.ok(Math.abs(actual[i] - e) < 1e-12, `[${i}] ${actual[i]} vs ${e}`),
  );
};

describe('debiased EMA (TensorBoard smoothing)', () => {
  it('equals hand-computed values for w = 0.5', () => {
    // last: 0.5*0+0.5*1 = 0.5 → /(1-0.5) = 1
    //       0.5*0.5+0.5*3 = 1.75 → /(1-0.25) = 2.3333…
    //       0.5*1.75+0.5*2 = 1.875 → /(1-0.125) = 2.142857…
    close(debiasedEma([1, 3, 2], 0.5), [1, 7 / 3, 15 / 7]);
  });

  it('equals hand-computed values for w = 0.9', () => {
    // 0.1*10 = 1 → /0.1 = 10; 0.9*1+0.1*0 = 0.9 → /0.19 = 4.7368…
    close(debiasedEma([10, 0], 0.9), [10, 0.9 / 0.19]);
  });

  it('is the identity at 0 and starts at the first value for any weight', () => {
    close(debiasedEma([4, -2, 7], 0), [4, -2, 7]);
    for (const w of [0.3, 0.9, MAX_SMOOTHING]) assert.equal(debiasedEma([5, 6], w)[0], 5);
  });

  it('keeps a constant series constant (no bias towards zero)', () => {
    close(debiasedEma([2, 2, 2, 2], 0.99), [2, 2, 2, 2]);
  });

  it('passes non-finite values through without advancing the average', () => {
    const out = debiasedEma([1, Number.NaN, 3], 0.5);
    assert.ok(Number.isNaN(out[1]));
    close([out[0], out[2]], [1, 7 / 3]);
  });

  it('caps the weight below 1, where the average would never move', () => {
    close(debiasedEma([1, 3], 1), debiasedEma([1, 3], MAX_SMOOTHING) as unknown as number[]);
  });

  it('smooths 100,000 points in well under a frame', () => {
    const values = Float64Array.from({ length: 100_000 }, (_, i) => Math.sin(i));
    const started = performance.now();
    debiasedEma(values, 0.9);
    assert.ok(performance.now() - started < 50);
  });
});

describe('loss-curve x positions', () => {
  const point = (stage: number, step: number, epoch: number, value: number, time: number) => ({
    stage,
    step,
    epoch,
    metric: 'pretext/loss',
    value,
    time,
  });

  it('continues steps and epochs across stages and marks where stage 2 begins', () => {
    const run = emptyRun('r', 'run');
    addPoints(run, [point(0, 10, 1, 1.2, 1000), point(0, 20, 2, 1.0, 2000)]);
    addPoints(run, [point(1, 10, 1, 0.9, 5000)], { stage: 1, steps: 30, epochs: 3, scale: 1 });
    const cols = run.metrics.get('pretext/loss');
    assert.ok(cols);
    close(xValues(run, cols, 'step'), [10, 20, 30]);
    close(xValues(run, cols, 'epoch'), [1, 2, 3]);
    close(xValues(run, cols, 'time'), [0, 1, 4]);
    assert.deepEqual(stageBoundaries(run, 'step'), [{ x: 20, label: 'stage 2 (α 1)' }]);
  });

  it('replaces a point that is not after the last one (history then live)', () => {
    const run = emptyRun('r', 'run');
    addPoints(run, [point(0, 5, 0.5, 2, 1), point(0, 5, 0.5, 1.5, 2), point(0, 6, 0.6, 1.4, 3)]);
    assert.deepEqual(run.metrics.get('pretext/loss')?.value, [1.5, 1.4]);
  });

  it('orders charts: pretext loss first, then accuracies, kNN, downstream, lr last', () => {
    const run = emptyRun('r', 'run');
    for (const metric of [
      'lr',
      'finetune/accuracy',
      'knn/accuracy',
      'pretext/accuracy',
      'pretext/loss',
    ]) {
      addPoints(run, [{ ...point(0, 1, 1, 1, 1), metric }]);
    }
    assert.deepEqual(metricNames([run]), [
      'pretext/loss',
      'pretext/accuracy',
      'knn/accuracy',
      'finetune/accuracy',
      'lr',
    ]);
  });
});

describe('run/progress → chart points', () => {
  const progress = {
    runId: 'r',
    phase: 'pretext' as const,
    stage: 1,
    stageCount: 2,
    scale: 1,
    inputSize: 28,
    epoch: 2,
    epochs: 3,
    step: 5,
    stepsPerEpoch: 10,
    loss: 0.7,
    accuracy: 0.6,
    lr: 0.1,
    imagesPerSecond: 100,
    etaSeconds: 3,
  };

  it('places a step on the stage-relative step and fractional epoch, with the stage length', () => {
    const { points, stage } = progressPoints(progress, 1000);
    assert.deepEqual(stage, { stage: 1, steps: 30, epochs: 3, scale: 1 });
    assert.deepEqual(
      points.map((p) => [p.metric, p.value, p.step, p.epoch]),
      [
        ['pretext/loss', 0.7, 15, 1.5],
        ['pretext/train_accuracy', 0.6, 15, 1.5],
      ],
    );
  });

  it('adds validation accuracy and the epoch metrics at an epoch end; nothing while loading', () => {
    const end = {
      ...progress,
      step: 10,
      validationAccuracy: 0.8,
      epochMetrics: { 'knn/accuracy': 0.5 },
    };
    assert.deepEqual(
      progressPoints(end, 0).points.map((p) => p.metric),
      ['pretext/loss', 'pretext/train_accuracy', 'pretext/accuracy', 'knn/accuracy'],
    );
    assert.deepEqual(progressPoints({ ...progress, phase: 'loading' }, 0).points, []);
  });
});

describe('what is smoothed (issue 13 item 15)', () => {
  it('draws the learning rate as it is, whatever the weight', () => {
    const lr = Array.from({ length: 100 }, (_, i) => (i < 50 ? 0.1 : 0.01));
    assert.equal(isSchedule('lr'), true);
    assert.equal(isSchedule('finetune/lr'), true);
    assert.equal(isSchedule('pretext/loss'), false);
    const { line, smoothed } = smoothSeries('lr', lr, 0.9);
    assert.equal(smoothed, false);
    assert.deepEqual(Array.from(line), lr);
  });

  it('draws a 3-point per-epoch curve through its values (was 0.075 where the value is 0.05)', () => {
    const values = [0.1, 0.05, 0.05];
    const before = debiasedEma(values, 0.6);
    assert.ok(Math.abs(before[1] - 0.05) > 0.01, `the EMA moves it: ${before[1]}`);
    const { line, smoothed } = smoothSeries('pretext/accuracy', values, 0.6);
    assert.equal(smoothed, false);
    assert.deepEqual(Array.from(line), values);
  });

  it('smooths a dense noisy measurement, and nothing at weight 0', () => {
    const values = Array.from({ length: MIN_POINTS_TO_SMOOTH }, (_, i) => (i % 2 ? 1 : 0));
    const dense = smoothSeries('pretext/loss', values, 0.5);
    assert.equal(dense.smoothed, true);
    close(dense.line, Array.from(debiasedEma(values, 0.5)));
    assert.equal(smoothSeries('pretext/loss', values, 0).smoothed, false);
  });

  it('exports the line as drawn: sparse and schedule series unsmoothed in the CSV', () => {
    const run = emptyRun('r', 'run');
    addPoints(run, [
      { stage: 0, step: 10, epoch: 1, metric: 'lr', value: 0.1, time: 1000 },
      { stage: 0, step: 20, epoch: 2, metric: 'lr', value: 0.05, time: 2000 },
    ]);
    const rows = toCsv([run], 0.9).trim().split('\n').slice(1);
    assert.deepEqual(
      rows.map((r) => r.split(',').slice(-2)),
      [
        ['0.1', '0.1'],
        ['0.05', '0.05'],
      ],
    );
  });
});

describe('stage marks (issue 13 item 15)', () => {
  it('marks no stage 2 on a one-stage run whose evaluation is logged as stage 2', () => {
    // metrics.jsonl of a one-stage RotNet run: pretext at stage 0, the downstream
    // metrics after it under stage 1, step 0, epoch 0 (sidecar/train/executeRun.ts).
    const pretext = [1, 2, 3].map((epoch) => ({
      stage: 0,
      step: 10 * epoch,
      epoch,
      metric: 'pretext/loss',
      value: 1 / epoch,
      time: 1000 * epoch,
    }));
    const evaluation = ['knn/accuracy', 'finetune@400/accuracy'].map((metric) => ({
      stage: 1,
      step: 0,
      epoch: 0,
      metric,
      value: 0.6,
      time: 5000,
    }));
    const run = runFromSeries({
      runId: 'r',
      label: 'rotnet',
      points: [...pretext, ...evaluation],
      stages: [{ stage: 0, scale: 1, steps: 0, epochs: 0 }],
    });
    for (const axis of ['step', 'epoch', 'time', 'wallTime'] as const)
      assert.deepEqual(stageBoundaries(run, axis), [], axis);
    // The evaluation still lands after the pretext curve.
    const knn = run.metrics.get('knn/accuracy');
    assert.ok(knn);
    close(xValues(run, knn, 'step'), [30]);
  });

  it('still marks the second stage of a two-stage chain from its pretext points alone', () => {
    const run = emptyRun('r', 'run');
    addPoints(run, [
      { stage: 0, step: 10, epoch: 1, metric: 'pretext/loss', value: 1, time: 1 },
      { stage: 1, step: 10, epoch: 1, metric: 'pretext/loss', value: 1, time: 2 },
      { stage: 2, step: 0, epoch: 0, metric: 'knn/accuracy', value: 0.5, time: 3 },
    ]);
    assert.deepEqual(stageBoundaries(run, 'step'), [{ x: 10, label: 'stage 2' }]);
  });
});

describe('training time and wall-clock time (issue 13 item 15)', () => {
  // Five epochs a minute apart, a stop after the third, resumed two hours later.
  const minute = 60_000;
  const times = [1, 2, 3, 123, 124].map((m) => 1.7e12 + m * minute);
  const run = emptyRun('r', 'run');
  addPoints(
    run,
    times.map((time, i) => ({
      stage: 0,
      step: 10 * (i + 1),
      epoch: i + 1,
      metric: 'pretext/loss',
      value: 1,
      time,
    })),
  );
  const cols = run.metrics.get('pretext/loss')!;

  it('finds the stop → resume gap and leaves it out of training time', () => {
    assert.deepEqual(findPauses(times), [{ after: times[2], removed: 119 * minute }]);
    // 0, 1, 2 minutes; the pause counts as one ordinary gap; then 3, 4 minutes.
    close(xValues(run, cols, 'time'), [0, 60, 120, 180, 240]);
  });

  it('keeps the clock time on the wall-clock axis (seconds since 1970)', () => {
    close(
      xValues(run, cols, 'wallTime'),
      times.map((t) => t / 1000),
    );
  });

  it('leaves ordinary gaps alone: an evaluation pass or a slow epoch is not a pause', () => {
    assert.deepEqual(findPauses([0, 1000, 2000, 3000, 3000 + 15_000]), []);
    assert.deepEqual(findPauses([0, 1000]), []);
  });
});
