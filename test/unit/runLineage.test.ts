/**
 * The Runs view tells where a run came from: the run its first stage started from
 * (pretext.initFrom, followed up the chain) and its pretext / labelled image counts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { presentRun } from '../../extension/runs/runPresentation';
import type { RunInfo, RunLineage } from '../../sidecar/protocol/index';

const scaleRun: RunLineage = {
  run: '/ws/.scalenet/runs/scale-20261201-100000',
  runId: 'scale-20261201-100000',
  checkpoint: 'stage2',
  method: 'scalenet',
  scales: [0.5, 1],
  dataset: 'cifar10:/data/cifar',
  copiedLayers: 13,
  weightedLayers: 13,
};

const run: RunInfo = {
  runId: 'rot-20261202-080000',
  runDir: '/ws/.scalenet/runs/rot-20261202-080000',
  name: 'rot',
  status: 'completed',
  method: 'rotnet',
  scales: [1],
  inputMode: 'original',
  seed: 1,
  metrics: {},
  lineage: {
    ...scaleRun,
    run: '/ws/.scalenet/runs/mid-20261201-200000',
    runId: 'mid-20261201-200000',
    checkpoint: 'stage1',
    method: 'rotnet',
    scales: [1],
    dataset: 'pool:/data/frames',
    copiedLayers: 12,
    from: scaleRun,
  },
  sources: {
    pretext: {
      dataset: 'pool:/data/frames',
      images: 30000,
      trainImages: 29500,
      heldOutImages: 500,
      labelsIgnored: true,
    },
    evaluation: {
      dataset: 'folder:/data/annotated',
      classNames: ['a', 'b', 'c'],
      trainPerClass: [70, 70, 70],
      testPerClass: [30, 30, 30],
      split: 'seeded',
      testFraction: 0.3,
    },
    leaks: { count: 2, testCount: 1, examples: [] },
  },
};

void describe('run lineage in the Runs view', () => {
  void it('the description names the run it started from', () => {
    assert.match(presentRun(run).description, / · ← mid-20261201-200000$/);
    const fresh = presentRun({ ...run, lineage: undefined });
    assert.doesNotMatch(fresh.description, /←/);
  });

  void it('the tooltip follows the chain of transfers and gives both sources’ counts', () => {
    const lines = presentRun(run).tooltip.split('\n');
    assert.ok(
      lines.includes(
        'started from mid-20261201-200000 (rotnet [1] on pool:/data/frames, checkpoint stage1, 12/13 layers copied)',
      ),
      lines.join('\n'),
    );
    assert.ok(
      lines.includes(
        'which started from scale-20261201-100000 (scalenet [0.5, 1] on cifar10:/data/cifar, checkpoint stage2, 13/13 layers copied)',
      ),
    );
    assert.ok(lines.includes('pretext images: 30000 (pool:/data/frames)'));
    assert.ok(lines.includes('labelled: 210 train / 90 test, 3 classes (folder:/data/annotated)'));
    assert.ok(lines.includes('⚠ 2 labelled images are also pretext images (1 test)'));
  });
});
