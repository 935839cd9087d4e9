import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  finalAccuracy,
  formatEta,
  longProgress,
  runFraction,
  shortProgress,
} from '../../extension/progressText';
import type { RunProgressParams } from '../../sidecar/protocol/index';

const progress: RunProgressParams = {
  runId: 'r',
  phase: 'pretext',
  stage: 0,
  stageCount: 2,
  scale: 0.5,
  inputSize: 14,
  epoch: 3,
  epochs: 10,
  step: 5,
  stepsPerEpoch: 10,
  loss: 0.91234,
  accuracy: 0.6123,
  lr: 0.1,
  imagesPerSecond: 118.6,
  etaSeconds: 125,
};

void describe('progress text', () => {
  void it('formats ETAs coarsely', () => {
    assert.deepEqual([0.2, 45, 59.4, 125, 3599, 3600, 5400].map(formatEta), [
      '1s',
      '45s',
      '59s',
      '2m',
      '1h 00m',
      '1h 00m',
      '1h 30m',
    ]);
    assert.equal(formatEta(Number.NaN), '?');
  });

  void it('computes the whole-run fraction with equal stages', () => {
    // stage 1 of 2, 2.5 of 10 epochs done: 0.25 of the stage, 0.125 of the run
    assert.equal(runFraction(progress), 0.125);
    assert.equal(runFraction({ ...progress, stage: 1, epoch: 10, step: 10 }), 1);
    assert.equal(runFraction({ ...progress, stageCount: 0 }), 0);
  });

  void it('says stage, epoch and ETA in the status bar and more in the notification', () => {
    assert.equal(shortProgress(progress), 'stage 1/2 · epoch 3/10 · ETA 2m');
    assert.equal(
      shortProgress({ ...progress, phase: 'checkpoint' }),
      'stage 1/2 · epoch 3/10 · writing checkpoint…',
    );
    assert.equal(
      longProgress(progress),
      'stage 1/2 (14px) · epoch 3/10 · loss 0.912 · acc 61.2% · 119 img/s · ETA 2m',
    );
    // As the real sidecar sends it before the first epoch.
    const loading = { ...progress, phase: 'loading' as const, epoch: 0, step: 0, stepsPerEpoch: 0 };
    assert.equal(longProgress(loading), 'loading data…');
    assert.equal(longProgress({ ...loading, message: 'loading data' }), 'loading data');
    assert.equal(shortProgress(loading), 'stage 1/2 · loading data…');
    assert.equal(runFraction(loading), 0);
  });

  void it('shows evaluation as itself, with the ETA, not as stage 1 at 0 px', () => {
    // As the real sidecar sends it while fine-tuning after the last stage.
    const evaluating = {
      ...progress,
      phase: 'evaluating' as const,
      stage: 0,
      inputSize: 0,
      epoch: 0,
      step: 0,
      stepsPerEpoch: 0,
      loss: 0,
      accuracy: 0,
      imagesPerSecond: 0,
      etaSeconds: 95,
      message: 'fine-tune, 400 labels: epoch 3/8, loss 0.512',
      evaluationTask: { index: 0, count: 2, fraction: 0.3, name: 'fine-tune, 400 labels' },
    };
    assert.equal(
      longProgress(evaluating),
      'fine-tune, 400 labels (1/2) · epoch 3/8 · loss 0.512 · ETA 2m',
    );
    assert.equal(shortProgress(evaluating), 'evaluating · fine-tune, 400 labels · ETA 2m');
    assert.doesNotMatch(longProgress(evaluating), /0px|epoch 0\/|stage 1/);
    assert.equal(runFraction(evaluating), 1, 'the bar does not fall back to 0');
    assert.equal(longProgress({ ...evaluating, etaSeconds: -1 }).endsWith('ETA ?'), true);
  });

  void it('finds the final accuracy among the metrics', () => {
    const finished = { runId: 'r', runDir: '/d', status: 'completed' as const };
    assert.equal(finalAccuracy({ ...finished, metrics: { 'pretext/accuracy': 0.8 } }), 0.8);
    assert.equal(
      finalAccuracy({ ...finished, metrics: { 'stage1/accuracy': 0.5, 'stage2/accuracy': 0.7 } }),
      0.7,
    );
    assert.equal(finalAccuracy({ ...finished, metrics: {} }), undefined);
  });
});
