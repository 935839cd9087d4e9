/**
 * Sweeps on a real one-node Slurm cluster (test/slurm/cluster.sh; `npm run test:slurm`):
 * a job array whose every task completes into the run store, and tasks cut short by
 * scancel and by their time limit that resume from their checkpoints on re-submission
 * and end exactly like uninterrupted runs of the same seeds.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { tempDir } from '../helpers/sidecar';
import {
  clusterEnv,
  scalenet,
  scontrolStates,
  slurm,
  squeueStates,
  status,
  tinyConfig,
  waitFor,
  writeJson,
} from './slurmHelpers';

const FINAL = /^(COMPLETED|FAILED|CANCELLED|TIMEOUT)$/;
let env: NodeJS.ProcessEnv;
let seed1Metrics: Record<string, number> | undefined;

before(() => {
  env = clusterEnv();
});

const jobIdOf = (stdout: string) => /Submitted job array (\d+)/.exec(stdout)![1];
const summaryOf = (runDir: string) =>
  JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as {
    status: string;
    metrics: Record<string, number>;
    latestCheckpoint?: string;
  };

describe('a sweep as a Slurm job array', () => {
  it('runs every variant to COMPLETED in the run store; status agrees with squeue and scontrol', async () => {
    const dir = tempDir('slurm-array');
    writeJson(join(dir, 'tiny.scalenet.json'), tinyConfig(2));
    const file = writeJson(join(dir, 'tiny.sweep.json'), {
      name: 'tiny',
      base: 'tiny.scalenet.json',
      seeds: [1, 2, 3, 4],
      runsDir: 'runs',
      sweepDir: 'sweep',
      slurm: { time: '00:05:00', cpusPerTask: 1, maxParallel: 2 },
    });
    const submitted = await scalenet(env, 'sweep', file, '--executor', 'slurm');
    const jobId = jobIdOf(submitted.stdout);

    // While the array is alive, every task squeue lists has the state sweep status shows.
    let compared = 0;
    await waitFor(
      'every task to finish',
      async () => {
        const queue = squeueStates(env, jobId);
        const shown = await status(env, file);
        for (const [task, state] of squeueStates(env, jobId)) {
          if (!queue.has(task) || queue.get(task) !== state) continue; // changed meanwhile
          const variant = shown.find((s) => s.jobId === task);
          if (!variant || variant.slurmState !== state) continue;
          assert.equal(variant.state, state === 'PENDING' ? 'PENDING' : 'RUNNING', task);
          compared++;
        }
        const states = scontrolStates(env, jobId);
        return states.size === 4 && [...states.values()].every((s) => FINAL.test(s))
          ? states
          : undefined;
      },
      240_000,
    );
    assert.ok(compared > 0, 'saw the array alive at least once');

    const states = scontrolStates(env, jobId);
    const shown = await status(env, file);
    assert.deepEqual(
      shown.map((s) => [s.jobId, s.state, s.slurmState]),
      [0, 1, 2, 3].map((i) => [`${jobId}_${i}`, 'COMPLETED', 'COMPLETED']),
    );
    assert.deepEqual([...states.values()], ['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED']);
    for (const variant of shown) {
      const runDir = variant.runDir ?? '';
      assert.ok(runDir.startsWith(join(dir, 'runs')), runDir);
      const summary = summaryOf(runDir);
      assert.equal(summary.status, 'completed');
      assert.deepEqual(variant.metrics, summary.metrics);
      assert.ok(summary.metrics['pretext/accuracy'] > 0);
      const config = JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8')) as {
        seed: number;
        name: string;
      };
      assert.equal(config.seed, variant.index + 1);
      assert.equal(config.name, `tiny-seed${variant.index + 1}`);
    }
    const again = await scalenet(env, 'sweep', file, '--executor', 'slurm');
    assert.match(again.stdout, /Nothing to submit/);
    seed1Metrics = shown[0].metrics;

    // The report of the array: one row (RotNet, original), its cell the mean of the 4 runs.
    await scalenet(env, 'report', file);
    const report = JSON.parse(
      readFileSync(join(dir, 'sweep', 'report', 'report.json'), 'utf8'),
    ) as {
      rows: { method: string; cells: Record<string, { mean: number; n: number }> }[];
    };
    const accuracies = shown.map((s) => s.metrics!['pretext/accuracy']);
    assert.equal(report.rows.length, 1);
    assert.equal(report.rows[0].cells['pretext/accuracy'].n, 4);
    assert.ok(
      Math.abs(
        report.rows[0].cells['pretext/accuracy'].mean - accuracies.reduce((a, b) => a + b) / 4,
      ) < 1e-12,
    );
  });

  it('train CONFIG --slurm runs one config as a one-task array, like the same seed in the sweep', async () => {
    assert.ok(seed1Metrics, 'needs the array test first');
    const dir = tempDir('slurm-train');
    const config = writeJson(join(dir, 'one.scalenet.json'), tinyConfig(2));
    const runs = join(dir, 'runs');
    const out = await scalenet(env, 'train', config, '--slurm', '--time', '5', '--runs-dir', runs);
    const jobId = jobIdOf(out.stdout);
    const sweepDir = join(dir, 'sweeps', 'tiny');
    assert.match(
      readFileSync(join(sweepDir, 'slurm', 'array.sbatch'), 'utf8'),
      /^#SBATCH --time=5$/m,
    );
    await waitFor(
      'the task to finish',
      () => (FINAL.test(scontrolStates(env, jobId).get(`${jobId}_0`) ?? '') ? true : undefined),
      120_000,
    );
    const [only] = await status(env, sweepDir);
    assert.equal(only.state, 'COMPLETED');
    assert.equal(scontrolStates(env, jobId).get(`${jobId}_0`), 'COMPLETED');
    assert.ok(only.runDir?.startsWith(runs));
    // Same config and seed as the array's variant 0: the same numbers.
    assert.deepEqual(only.metrics, seed1Metrics);
  });

  it('a scancelled and a timed-out task resume on re-submission and end like uninterrupted runs', async () => {
    const dir = tempDir('slurm-interrupt');
    // Long enough (~100 s alone) to outlive the warning: Slurm sends it up to a minute
    // before the asked-for 30 s, so at 60-90 s of a 2-minute limit.
    writeJson(join(dir, 'long.scalenet.json'), tinyConfig(100));
    const sweep = {
      name: 'long',
      base: 'long.scalenet.json',
      seeds: [5, 6],
      runsDir: 'runs',
      sweepDir: 'sweep',
      slurm: { time: '2', cpusPerTask: 1, signalSeconds: 30 },
    };
    const file = writeJson(join(dir, 'long.sweep.json'), sweep);
    const reference = writeJson(join(dir, 'reference.sweep.json'), {
      ...sweep,
      runsDir: 'reference-runs',
      sweepDir: 'reference-sweep',
    });
    const jobId = jobIdOf((await scalenet(env, 'sweep', file, '--executor', 'slurm')).stdout);
    // The uninterrupted runs of the same seeds, on this machine, meanwhile.
    const straight = scalenet(env, 'sweep', reference, '--executor', 'local', '--parallel', '2');

    // Cancel variant 0 once it has written a checkpoint mid-run.
    const runDir0 = await waitFor(
      'variant 0 to checkpoint',
      async () => {
        const [v0] = await status(env, file);
        if (!v0.runDir) return undefined;
        const summary = summaryOf(v0.runDir);
        return summary.status === 'running' && summary.latestCheckpoint ? v0.runDir : undefined;
      },
      120_000,
    );
    slurm(env, 'scancel', `${jobId}_0`);

    const states = await waitFor(
      'both tasks to end',
      () => {
        const s = scontrolStates(env, jobId);
        return [...s.values()].filter((x) => FINAL.test(x)).length === 2 ? s : undefined;
      },
      240_000,
    );
    assert.equal(states.get(`${jobId}_0`), 'CANCELLED');
    assert.equal(states.get(`${jobId}_1`), 'TIMEOUT');
    const cut = await status(env, file);
    assert.deepEqual(
      cut.map((s) => s.state),
      ['CANCELLED', 'TIMEOUT'],
    );
    assert.equal(cut[0].runDir, runDir0);
    for (const variant of cut) {
      const summary = summaryOf(variant.runDir!);
      assert.notEqual(summary.status, 'completed');
      assert.ok(summary.latestCheckpoint, `${variant.name} has a checkpoint`);
    }

    const resubmitted = await scalenet(env, 'sweep', file, '--executor', 'slurm', '--time', '10');
    assert.match(resubmitted.stdout, /2 of 2 variants to run/);
    const second = jobIdOf(resubmitted.stdout);
    await waitFor(
      'the resumed tasks to end',
      () => {
        const s = scontrolStates(env, second);
        return [...s.values()].filter((x) => FINAL.test(x)).length === 2 ? s : undefined;
      },
      300_000,
    );
    const done = await status(env, file);
    assert.deepEqual(
      done.map((s) => [s.state, s.jobId]),
      [
        ['COMPLETED', `${second}_0`],
        ['COMPLETED', `${second}_1`],
      ],
    );
    assert.equal(done[0].runDir, runDir0, 'resumed in its own run folder');
    assert.equal(done[1].runDir, cut[1].runDir);
    for (const i of [0, 1]) {
      const log = readFileSync(join(dir, 'sweep', 'logs', `slurm-${second}_${i}.out`), 'utf8');
      assert.match(log, /resumed/);
    }

    await straight;
    const expected = await status(env, reference);
    for (const i of [0, 1]) {
      assert.equal(expected[i].state, 'COMPLETED');
      for (const metric of ['pretext/accuracy', 'pretext/loss', 'pretext/train_accuracy']) {
        const diff = Math.abs(done[i].metrics![metric] - expected[i].metrics![metric]);
        assert.ok(
          diff < 1e-4,
          `${done[i].name} ${metric}: resumed ${done[i].metrics![metric]} vs ${expected[i].metrics![metric]}`,
        );
      }
    }
  });
});
