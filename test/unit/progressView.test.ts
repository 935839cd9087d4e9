/**
 * `scalenet train`'s progress output on a terminal (a fake TTY stream that records what
 * cli-progress draws) and piped (console.log lines).
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ProgressView } from '../../cli/progressView';
import type { RunProgressParams } from '../../sidecar/protocol';

function step(step: number, etaSeconds: number, over: Partial<RunProgressParams> = {}) {
  return {
    runId: 'r',
    phase: 'pretext',
    stage: 0,
    stageCount: 2,
    scale: 0.5,
    inputSize: 14,
    epoch: 1,
    epochs: 3,
    step,
    stepsPerEpoch: 20,
    loss: 1.3,
    accuracy: 0.3,
    lr: 0.1,
    imagesPerSecond: 500,
    etaSeconds,
    ...over,
  } satisfies RunProgressParams;
}

/** Enough of a terminal for cli-progress, keeping every frame it draws. */
function fakeTerminal() {
  const frames: string[] = [];
  const stream = {
    isTTY: true,
    columns: 200,
    write: (text: string) => (frames.push(text), true),
    cursorTo: () => true,
    clearLine: () => true,
    clearScreenDown: () => true,
    moveCursor: () => true,
    on: () => stream,
    removeListener: () => stream,
  };
  return { frames, stream: stream as unknown as NodeJS.WriteStream };
}

describe('CLI progress view', () => {
  let lines: string[];
  const original = console.log;
  beforeEach(() => {
    lines = [];
    console.log = (...args: unknown[]) => void lines.push(args.join(' '));
  });
  afterEach(() => (console.log = original));

  it('on a terminal the ETA has a unit, never INF or NULL, and no steps after a stop', () => {
    const { frames, stream } = fakeTerminal();
    const view = new ProgressView(true, stream);
    view.update(step(1, 95));
    view.update(step(2, 90));
    view.freeze();
    const drawn = frames.length;
    view.update(step(3, 85));
    view.update(step(4, 80));
    const text = frames.join('');
    assert.match(text, /ETA 1m35s/);
    assert.doesNotMatch(text, /INF|NULL/);
    assert.equal(frames.length, drawn, 'nothing drawn after the stop was asked for');
    assert.doesNotMatch(text, /\b[34]\/20\b/);
  });

  it('piped, the first step line comes at once, then one per epoch or per 10 s', () => {
    const view = new ProgressView(false);
    view.update({ ...step(0, 0), phase: 'loading', message: 'loading data' });
    view.update(step(1, 120));
    view.update(step(2, 110));
    view.update(step(1, 60, { epoch: 2 }));
    assert.deepEqual(lines, [
      'loading: loading data',
      'stage 1/2 (14px) epoch 1/3 step 1/20: loss 1.3000 acc 0.300 500 img/s ETA 2m00s',
      'stage 1/2 (14px) epoch 2/3 step 1/20: loss 1.3000 acc 0.300 500 img/s ETA 1m00s',
    ]);
  });

  it('evaluation shows what it measures and the ETA', () => {
    const view = new ProgressView(false);
    view.update({
      ...step(0, 42),
      phase: 'evaluating',
      message: 'fine-tune, 400 labels: epoch 3/8, loss 0.512',
    });
    assert.deepEqual(lines, ['evaluating: fine-tune, 400 labels: epoch 3/8, loss 0.512 (ETA 42s)']);
  });
});
