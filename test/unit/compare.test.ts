import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { comparisonTable } from '../../cli/commands/runs';
import { meanStd } from '../../cli/table';
import type { RunInfo } from '../../sidecar/protocol';

const run = (
  method: string,
  scales: number[],
  seed: number,
  metrics: Record<string, number>,
): RunInfo => ({
  runId: `${method}-${seed}`,
  runDir: `/runs/${method}-${seed}`,
  name: method,
  status: 'completed',
  method,
  scales,
  inputMode: 'original',
  seed,
  metrics,
});

describe('compare', () => {
  it('mean ± sample std in percent', () => {
    // 0.70, 0.72, 0.74: mean 72, sample std 2.
    assert.equal(meanStd([0.7, 0.72, 0.74]), '72.00 ± 2.00 (n=3)');
    assert.equal(meanStd([0.5]), '50.00');
    assert.equal(meanStd([]), '—');
  });

  it('groups runs by method and chain, one column per downstream accuracy', () => {
    const table = comparisonTable([
      run('rotnet', [1], 1, { 'pretext/accuracy': 0.8, 'finetune@100/accuracy': 0.5 }),
      run('rotnet', [1], 2, { 'pretext/accuracy': 0.82, 'finetune@100/accuracy': 0.54 }),
      run('scalenet', [0.5, 1], 1, { 'pretext/accuracy': 0.85, 'finetune@100/accuracy': 0.6 }),
    ]);
    const lines = table.split('\n');
    assert.match(lines[0], /method\s+input\s+pretext acc %\s+finetune@100\/accuracy %/);
    assert.match(
      lines[2],
      /^rotnet \[1\]\s+original\s+81\.00 ± 1\.41 \(n=2\)\s+52\.00 ± 2\.83 \(n=2\)$/,
    );
    assert.match(lines[3], /^scalenet \[0\.5, 1\]\s+original\s+85\.00\s+60\.00$/);
  });
});
