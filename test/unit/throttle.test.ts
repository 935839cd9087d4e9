import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { throttleLatest } from '../../sidecar/util/throttle';
import { learningRateAt } from '../../sidecar/util/schedule';

describe('throttleLatest', () => {
  it('sends at most one value per interval, always the latest, and flushes the last', async () => {
    const sent: number[] = [];
    const throttle = throttleLatest((v: number) => sent.push(v), 100);
    for (let i = 1; i <= 50; i++) throttle.push(i);
    assert.deepEqual(sent, [1], 'the first value goes at once');
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(sent, [1, 50], 'then only the latest after the interval');
    throttle.push(51);
    throttle.push(52);
    throttle.flush();
    assert.deepEqual(sent, [1, 50, 52]);
    throttle.push(53);
    throttle.cancel();
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(sent, [1, 50, 52]);
  });
});

describe('learningRateAt', () => {
  it('multiplies by gamma at each milestone passed (the paper: /5 at 30, 60, 80)', () => {
    const at = (epoch: number) => learningRateAt(0.1, epoch, [30, 60, 80], 0.2);
    assert.equal(at(0), 0.1);
    assert.equal(at(29), 0.1);
    assert.ok(Math.abs(at(30) - 0.02) < 1e-12);
    assert.ok(Math.abs(at(79) - 0.004) < 1e-12);
    assert.ok(Math.abs(at(99) - 0.0008) < 1e-12);
  });
});
