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
  metricNames,
  stageBoundaries,
  xValues,
} from '../../webview/lossCurves/runData';
import { debiasedEma, MAX_SMOOTHING } from '../../webview/lossCurves/smoothing';
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
