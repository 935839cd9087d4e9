/** The Slurm executor's pure parts: array index lists, the batch script, state joining. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arrayRanges, batchScript, sbatchOptions } from '../../cli/sweep/slurm';
import { fromSlurmState, indicesToSubmit, joinState } from '../../cli/sweep/status';
import type { SweepManifest, VariantStatus } from '../../sidecar/protocol/sweep';

describe('Slurm executor', () => {
  it('writes array index lists as ranges', () => {
    assert.equal(arrayRanges([0, 1, 2, 3]), '0-3');
    assert.equal(arrayRanges([7, 0, 1, 3, 5, 6, 8, 1]), '0-1,3,5-8');
    assert.equal(arrayRanges([4]), '4');
  });

  it('turns sweep settings into sbatch options, with the warning signal and requeue', () => {
    assert.deepEqual(
      sbatchOptions({
        partition: 'gpu',
        account: 'lab',
        time: '01:00:00',
        cpusPerTask: 4,
        mem: '8G',
        gres: 'gpu:1',
        signalSeconds: 90,
        extraArgs: ['--constraint=a100'],
      }),
      [
        '--partition=gpu',
        '--account=lab',
        '--time=01:00:00',
        '--cpus-per-task=4',
        '--mem=8G',
        '--gres=gpu:1',
        '--signal=B:USR1@90',
        '--requeue',
        '--constraint=a100',
      ],
    );
  });

  it('the batch script trains variant $SLURM_ARRAY_TASK_ID and forwards the warning', () => {
    const manifest = { name: 't3', sweepFile: '/w/t3.sweep.json' } as SweepManifest;
    const script = batchScript(
      manifest,
      "/w/it's",
      { time: '5', setup: ['module load node'] },
      {
        node: '/usr/bin/node',
        cli: '/opt/scalenet/dist/cli.js',
      },
    );
    assert.match(script, /^#!\/bin\/bash\n#SBATCH --job-name=scalenet-t3\n/);
    assert.match(script, /^#SBATCH --output=\/w\/it's\/logs\/slurm-%A_%a\.out$/m);
    assert.match(script, /^#SBATCH --time=5$/m);
    assert.match(script, /^#SBATCH --signal=B:USR1@120$/m);
    assert.match(script, /^module load node$/m);
    assert.ok(
      script.includes(
        `'/usr/bin/node' '/opt/scalenet/dist/cli.js' sweep task '/w/it'\\''s' "$SLURM_ARRAY_TASK_ID" &`,
      ),
    );
    assert.match(script, /^trap 'forward USR1' USR1$/m);
  });

  it('joins Slurm states with the run store', () => {
    assert.equal(fromSlurmState('PENDING'), 'PENDING');
    assert.equal(fromSlurmState('COMPLETING'), 'RUNNING');
    assert.equal(fromSlurmState('TIMEOUT'), 'TIMEOUT');
    assert.equal(fromSlurmState('CANCELLED'), 'CANCELLED');
    assert.equal(fromSlurmState('OUT_OF_MEMORY'), 'FAILED');
    assert.equal(joinState('completed', 'RUNNING', true), 'COMPLETED', 'the run has finished');
    assert.equal(joinState('running', 'TIMEOUT', true), 'TIMEOUT');
    assert.equal(joinState('stopped', 'COMPLETED', true), 'STOPPED', 'shell ok, run not done');
    assert.equal(joinState('failed', 'COMPLETED', true), 'FAILED');
    assert.equal(joinState('running', undefined, true, false), 'FAILED', 'forgotten and dead');
    assert.equal(joinState('running', undefined, true, true), 'RUNNING');
    assert.equal(joinState(undefined, undefined, true), 'PENDING');
    assert.equal(joinState(undefined, undefined, false), 'NOT_SUBMITTED');
  });

  it('re-submits only what is not completed, queued or running', () => {
    const s = (index: number, state: VariantStatus['state'], slurmState?: string) =>
      ({ index, name: String(index), state, slurmState }) as VariantStatus;
    assert.deepEqual(
      indicesToSubmit([
        s(0, 'COMPLETED', 'COMPLETED'),
        s(1, 'RUNNING', 'RUNNING'),
        s(2, 'PENDING', 'PENDING'),
        s(3, 'TIMEOUT', 'TIMEOUT'),
        s(4, 'CANCELLED', 'CANCELLED'),
        s(5, 'FAILED'),
        s(6, 'NOT_SUBMITTED'),
        s(7, 'PENDING'),
        s(8, 'STOPPED'),
      ]),
      [3, 4, 5, 6, 7, 8],
    );
  });
});
