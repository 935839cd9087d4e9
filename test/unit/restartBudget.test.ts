import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RestartBudget } from '../../extension/supervisor/restartBudget';

void describe('RestartBudget', () => {
  void it('allows 4 restarts in 3 minutes and refuses the 5th crash in that window', () => {
    let now = 0;
    const budget = new RestartBudget({ maxRestarts: 4, windowMs: 180_000 }, () => now);
    const answers = [0, 10_000, 20_000, 30_000, 40_000].map((t) => {
      now = t;
      return budget.recordCrash();
    });
    assert.deepEqual(answers, [true, true, true, true, false]);
    assert.equal(budget.recentCrashes, 5);
  });

  void it('forgets crashes older than the window', () => {
    let now = 0;
    const budget = new RestartBudget({ maxRestarts: 4, windowMs: 180_000 }, () => now);
    for (const t of [0, 1000, 2000, 3000]) {
      now = t;
      assert.equal(budget.recordCrash(), true);
    }
    now = 180_001; // the crash at 0 has left the window; 1000..3000 have not
    assert.equal(budget.recordCrash(), true);
    assert.equal(budget.recentCrashes, 4);
    now = 180_500;
    assert.equal(budget.recordCrash(), false);
  });

  void it('starts afresh after reset (a start the user asked for)', () => {
    const budget = new RestartBudget({ maxRestarts: 1, windowMs: 1000 }, () => 0);
    assert.equal(budget.recordCrash(), true);
    assert.equal(budget.recordCrash(), false);
    budget.reset();
    assert.equal(budget.recordCrash(), true);
  });
});
