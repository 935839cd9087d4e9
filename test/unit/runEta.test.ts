/**
 * The run's one ETA model replayed over a recorded real run (test/fixtures/progress/
 * recorded-run.json: a two-stage ScaleNet run with kNN after each epoch, then fine-tune
 * and a linear probe; record.ts re-records it). The estimate is compared with the time
 * the run really had left at each notification.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { RunProgressParams, ScaleNetConfig } from '../../sidecar/protocol';
import { etaPlanOf, RunEta, type EtaData } from '../../sidecar/train/runEta';

interface Recording {
  config: ScaleNetConfig;
  data: EtaData;
  endMs: number;
  events: { t: number; p: RunProgressParams }[];
}

const recording = JSON.parse(
  readFileSync(join(__dirname, '../fixtures/progress/recorded-run.json'), 'utf8'),
) as Recording;

function replay(): { t: number; eta: number; actual: number; phase: string }[] {
  const eta = new RunEta(etaPlanOf(recording.config, recording.data));
  return recording.events.map(({ t, p }) => ({
    t,
    eta: eta.observe(t, p),
    actual: (recording.endMs - t) / 1000,
    phase: p.phase,
  }));
}

describe('run ETA on a recorded run', () => {
  it('stays within 25 % of the run length on average, and within 40 % at every point', () => {
    const runSeconds = recording.endMs / 1000;
    const points = replay().filter((r) => Number.isFinite(r.eta) && r.t > 0.1 * recording.endMs);
    assert.ok(points.length > 20, `${points.length} estimates`);
    const errors = points.map((r) => Math.abs(r.eta - r.actual) / runSeconds);
    const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
    const worst = Math.max(...errors);
    console.log(
      `ETA error over ${points.length} notifications of a ${runSeconds.toFixed(1)} s run: ` +
        `mean ${(mean * 100).toFixed(1)} %, worst ${(worst * 100).toFixed(1)} % of the run length`,
    );
    assert.ok(mean < 0.15, `mean error ${(mean * 100).toFixed(1)} %`);
    assert.ok(worst < 0.4, `worst error ${(worst * 100).toFixed(1)} %`);
  });

  it('never collapses at an epoch end or at the start of evaluation', () => {
    const points = replay().filter((r) => Number.isFinite(r.eta));
    for (let i = 1; i < points.length; i++) {
      const [before, now] = [points[i - 1], points[i]];
      // Between two notifications the estimate moves with the clock, not by jumps.
      const elapsed = (now.t - before.t) / 1000;
      const jump = Math.abs(before.eta - elapsed - now.eta);
      assert.ok(
        jump < Math.max(5, 0.35 * before.eta),
        `at ${now.t} ms (${now.phase}) the ETA jumped ${before.eta.toFixed(1)} s → ${now.eta.toFixed(1)} s`,
      );
    }
    const firstEvaluation = points.find((r) => r.phase === 'evaluating')!;
    assert.ok(firstEvaluation.eta > 0.5 * firstEvaluation.actual, JSON.stringify(firstEvaluation));
  });

  it('has no estimate before there is a rate, then a finite one', () => {
    const eta = new RunEta(etaPlanOf(recording.config, recording.data));
    const [loading, first] = recording.events;
    assert.ok(Number.isNaN(eta.observe(loading.t, loading.p)));
    assert.ok(Number.isNaN(eta.observe(first.t, first.p)), 'one step is no rate yet');
    const later = recording.events.slice(2, 6).map((e) => eta.observe(e.t, e.p));
    assert.ok(Number.isFinite(later.at(-1)!) && later.at(-1)! > 0, String(later));
  });
});
