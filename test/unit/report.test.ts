/**
 * `scalenet report`: the statistics against hand-computed values, and a report of a
 * fixture sweep folder whose table numbers equal the run summaries, with PNG charts.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { reportCommand } from '../../cli/commands/report';
import { difference, sampleStd, tQuantile, verdict } from '../../cli/report/stats';
import { fixtureSweep } from '../helpers/sweepFixture';

const close = (actual: number, expected: number, tol = 1e-6) =>
  assert.ok(Math.abs(actual - expected) < tol, `${actual} vs ${expected}`);

describe('report statistics', () => {
  it('Student t quantiles match the printed tables', () => {
    close(tQuantile(0.975, 2), 4.302653, 1e-5);
    close(tQuantile(0.975, 4), 2.776445, 1e-5);
    close(tQuantile(0.975, 29), 2.04523, 1e-5);
    close(tQuantile(0.95, 10), 1.812461, 1e-5);
  });

  it('a paired 95% CI by hand: d = 2, 3, 1 points over 3 seeds', () => {
    const a = new Map([
      [1, 0.8],
      [2, 0.82],
      [3, 0.84],
    ]);
    const b = new Map([
      [1, 0.78],
      [2, 0.79],
      [3, 0.83],
    ]);
    const d = difference(a, b)!;
    // mean 0.02, sd 0.01, half width = 4.302653 * 0.01 / sqrt(3) = 0.0248414
    assert.equal(d.paired, true);
    assert.equal(d.n, 3);
    close(d.estimate, 0.02);
    close(d.low, 0.02 - 0.0248414, 1e-6);
    close(d.high, 0.02 + 0.0248414, 1e-6);
    assert.equal(
      verdict('ScaleNet [0.5, 1]', 'RotNet', d, 'pretext acc'),
      'ScaleNet [0.5, 1] ahead of RotNet by 2.0 points on pretext acc, 95% CI [-0.5, 4.5], 3 seeds, paired — the interval includes 0: not a clear difference.',
    );
  });

  it("Welch's interval by hand when the seeds differ", () => {
    const a = new Map([
      [1, 0.7],
      [2, 0.72],
      [3, 0.74],
    ]);
    const b = new Map([
      [4, 0.6],
      [5, 0.64],
      [6, 0.68],
      [7, 0.72],
    ]);
    close(sampleStd([...b.values()]) ** 2, 0.008 / 3);
    const d = difference(a, b)!;
    // se^2 = 0.0004/3 + 0.0026667/4 = 0.0008; df = 0.0008^2 / (…) = 4.07547
    assert.equal(d.paired, false);
    close(d.df, 4.07547, 1e-4);
    close(d.estimate, 0.06);
    const half = (d.high - d.low) / 2;
    close(half, tQuantile(0.975, 4.07547) * Math.sqrt(0.0008), 1e-6);
    assert.ok(half < 2.776445 * Math.sqrt(0.0008) && half > 2.570582 * Math.sqrt(0.0008));
    assert.match(verdict('X', 'Y', d, 'kNN'), /^X ahead of Y by 6.0 points on kNN, 95% CI \[-?\d/);
  });

  it('no interval from a single run per side', () => {
    assert.equal(difference(new Map([[1, 0.5]]), new Map([[2, 0.4]])), undefined);
  });
});

interface ReportJson {
  columns: string[];
  rows: {
    method: string;
    inputMode: string;
    cells: Record<string, { mean: number; std: number; n: number }>;
  }[];
  differences: {
    method: string;
    inputMode: string;
    byColumn: Record<string, { estimate: number; low: number; high: number; paired: boolean }>;
  }[];
}

describe('scalenet report', () => {
  it("writes the paper's table from the run summaries, the differences, verdicts and PNG charts", async () => {
    const { dir, accuracy } = fixtureSweep();
    assert.equal(await reportCommand(dir, {}), 0);
    const out = join(dir, 'report');
    const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ReportJson;
    assert.deepEqual(json.columns, ['pretext/accuracy', 'finetune@400/accuracy']);
    assert.deepEqual(
      json.rows.map((r) => [r.method, r.inputMode]),
      [
        ['RotNet', 'original'],
        ['RotNet', 'harris'],
        ['ScaleNet [0.5, 1]', 'original'],
        ['ScaleNet [0.5, 1]', 'harris'],
      ],
    );
    for (const row of json.rows) {
      const method = row.method === 'RotNet' ? 'rotnet' : 'scalenet';
      const values = [1, 2, 3].map((s) => accuracy(method, row.inputMode, s));
      const m = (values[0] + values[1] + values[2]) / 3;
      close(row.cells['pretext/accuracy'].mean, m);
      close(row.cells['pretext/accuracy'].std, sampleStd(values));
      close(row.cells['finetune@400/accuracy'].mean, m - 0.1);
      assert.equal(row.cells['pretext/accuracy'].n, 3);
    }
    // ScaleNet − RotNet per seed: 0.05 + seed/1000 → mean 0.052, sd 0.001, paired.
    const harris = json.differences.find((d) => d.inputMode === 'harris')!;
    const d = harris.byColumn['pretext/accuracy'];
    assert.equal(d.paired, true);
    close(d.estimate, 0.052);
    close(d.high - d.estimate, (4.302653 * 0.001) / Math.sqrt(3), 1e-6);

    const md = readFileSync(join(out, 'report.md'), 'utf8');
    assert.match(
      md,
      /\| ScaleNet \[0\.5, 1\] \| harris \| 59\.2 ± 1\.1 \(3\) \| 49\.2 ± 1\.1 \(3\) \|/,
    );
    assert.match(md, /\| RotNet \| original \| 52\.0 ± 1\.0 \(3\) \|/);
    assert.match(
      md,
      /ScaleNet \[0\.5, 1\] \(harris\) ahead of RotNet by 5\.2 points on pretext acc, 95% CI \[5\.0, 5\.4\], 3 seeds, paired\./,
    );
    for (const file of [
      'bars-pretext-accuracy.png',
      'bars-finetune-400-accuracy.png',
      'curves-rotnet.png',
      'curves-scalenet-0-5-1.png',
    ]) {
      const bytes = readFileSync(join(out, file));
      assert.deepEqual(
        [...bytes.subarray(0, 8)],
        [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
        file,
      );
      assert.ok(statSync(join(out, file)).size > 5000, `${file} has content`);
      assert.match(md, new RegExp(`\\]\\(${file}\\)`));
    }
  });
});
