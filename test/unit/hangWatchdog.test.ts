import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HangWatchdog } from '../../extension/supervisor/hangWatchdog';

void describe('HangWatchdog', () => {
  void it('fires once when silence exceeds the floor', () => {
    let now = 0;
    const hangs: number[] = [];
    const dog = new HangWatchdog({ timeoutMs: 1000, now: () => now, onHang: (s) => hangs.push(s) });
    now = 1000;
    assert.equal(dog.check(), false, 'exactly the limit is not yet a hang');
    now = 1500;
    dog.heard();
    now = 2400;
    assert.equal(dog.check(), false);
    now = 2600;
    assert.equal(dog.check(), true);
    assert.deepEqual(hangs, [1100]);
    now = 9000;
    assert.equal(dog.check(), false, 'only once');
  });

  void it('allows a slow backend ten times its slowest step', () => {
    let now = 0;
    const dog = new HangWatchdog({ timeoutMs: 1000, now: () => now, onHang: () => {} });
    for (const t of [0, 300, 500]) {
      now = t;
      dog.progressed();
    }
    assert.equal(dog.limitMs, 3000);
    now = 500 + 2900;
    assert.equal(dog.check(), false);
    now = 500 + 3100;
    assert.equal(dog.check(), true);
  });

  void it('is off with a zero timeout', () => {
    const dog = new HangWatchdog({ timeoutMs: 0, onHang: () => assert.fail('fired') });
    dog.arm();
    dog.disarm();
  });
});
