/**
 * SimCLR through the real sidecar: a tiny multi-scale run (alpha 0.5 then 1) learns
 * (held-out contrastive accuracy 5x 1/(2N-1), loss below chance's, kNN well above the 10-class
 * chance) and is evaluated with a linear probe; a stopped SimCLR run checkpoints its
 * Adam slots, a resume continues from the step it stopped at, and it ends with the
 * weights of an uninterrupted run.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RunStartRequest, RunStopRequest, ShutdownRequest } from '../../sidecar/protocol';
import { startSidecar, tempDir, type TestSidecar } from '../helpers/sidecar';

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

/** The final weights of a completed run (its last stage's checkpoint). */
const weightsOf = (checkpoint: string | undefined): Float32Array => {
  assert.ok(checkpoint, 'a completed run names its checkpoint');
  const bytes = readFileSync(join(checkpoint, 'weights.bin'));
  return new Float32Array(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  );
};

const tinySimclr = (overrides: Record<string, unknown> = {}) => ({
  name: 'simclr',
  seed: 5,
  method: 'simclr',
  data: { dataset: 'embedded', limit: 512 },
  model: { blocks: [1, 1], widths: [8, 16] },
  pretext: { scales: [0.5, 1], epochs: [3, 3], lr: [0.003, 0.002], batchSize: 32, heldOut: 128 },
  simclr: { projectionDim: 32 },
  evaluation: {
    testImages: 300,
    knn: { enabled: true, bankImages: 300 },
    linear: { labels: [200], epochs: 5, blocks: ['stage2'] },
  },
  ...overrides,
});

describe('SimCLR over JSON-RPC', () => {
  let sidecar: TestSidecar;
  let workDir: string;

  before(async () => {
    workDir = tempDir('simclr');
    sidecar = await startSidecar();
  });

  after(async () => {
    if (sidecar.child.exitCode === null) {
      await sidecar.connection.sendRequest(ShutdownRequest.type, {});
      assert.equal(await sidecar.exit(), 0);
    }
  });

  it('trains a tiny multi-scale SimCLR (0.5 → 1) to above-chance kNN accuracy', async () => {
    const configPath = join(workDir, 'multiscale.scalenet.json');
    writeFileSync(configPath, JSON.stringify(tinySimclr()));
    const started = await sidecar.connection.sendRequest(RunStartRequest.type, { configPath });
    const result = await sidecar.waitFinished(started.runId, 240_000);
    assert.equal(result.status, 'completed', JSON.stringify(result.error));
    const { metrics } = result;
    const sizes = new Set(
      sidecar.progress
        .filter((p) => p.runId === started.runId && p.phase === 'pretext')
        .map((p) => p.inputSize),
    );
    assert.deepEqual([...sizes], [14, 28], 'alpha 0.5 on 28 px, then full scale');
    // 2N - 1 = 63 candidates per view: chance is 1/63 (0.016), the loss at chance log(63).
    assert.ok(metrics['pretext/accuracy'] > 0.08, JSON.stringify(metrics));
    assert.ok(metrics['stage2/loss'] < Math.log(63) - 0.5, JSON.stringify(metrics));
    // Ten classes: chance is 0.1.
    assert.ok(metrics['knn/accuracy'] > 0.3, JSON.stringify(metrics));
    assert.ok(metrics['linear@200/stage2/accuracy'] > 0.15, JSON.stringify(metrics));
  });

  it('stops with Adam slots in the checkpoint; the resumed run ends with the uninterrupted weights', async () => {
    const configPath = join(workDir, 'stop.scalenet.json');
    const config = tinySimclr({
      name: 'simclr-stop',
      pretext: { scales: [0.5, 1], epochs: [1, 1], batchSize: 16, heldOut: 32 },
      evaluation: { knn: { enabled: false } },
    });
    writeFileSync(configPath, JSON.stringify(config));
    const reference = await sidecar.connection.sendRequest(RunStartRequest.type, { configPath });
    const straight = await sidecar.waitFinished(reference.runId, 240_000);
    assert.equal(straight.status, 'completed', JSON.stringify(straight.error));

    const started = await sidecar.connection.sendRequest(RunStartRequest.type, { configPath });
    await sidecar.waitProgress(
      (p) => p.runId === started.runId && p.phase === 'pretext' && p.stage === 1 && p.step >= 3,
    );
    const stop = await sidecar.connection.sendRequest(RunStopRequest.type, {
      runId: started.runId,
    });
    assert.equal(stop.stopping, true);
    const stopped = await sidecar.waitFinished(started.runId);
    assert.equal(stopped.status, 'stopped');
    assert.ok(stopped.checkpoint && existsSync(join(stopped.checkpoint, 'model.json')));
    const state = readJson<{ stage: number; epoch: number; step: number }>(
      join(stopped.checkpoint, 'state.json'),
    );
    assert.equal(state.stage, 1);
    assert.ok(state.step >= 3, `stopped after step ${state.step}`);
    const optimizer = readJson<{ className: string }>(join(stopped.checkpoint, 'optimizer.json'));
    assert.equal(optimizer.className, 'Adam');

    sidecar.finished.length = 0;
    sidecar.progress.length = 0;
    const resumed = await sidecar.connection.sendRequest(RunStartRequest.type, {
      configPath,
      resume: started.runDir,
    });
    const first = await sidecar.waitProgress(
      (p) => p.runId === resumed.runId && p.phase === 'pretext',
    );
    assert.equal(first.stage, 1, 'resumed in the full-scale stage');
    assert.equal(first.inputSize, 28);
    assert.ok(first.step > state.step, `resumed at step ${first.step}, after ${state.step}`);
    const done = await sidecar.waitFinished(resumed.runId, 240_000);
    assert.equal(done.status, 'completed', JSON.stringify(done.error));
    // Same views, same data order, Adam's moments and step count restored: same weights.
    const expected = weightsOf(straight.checkpoint);
    const actual = weightsOf(done.checkpoint);
    assert.equal(actual.length, expected.length);
    const worst = actual.reduce((m, v, i) => Math.max(m, Math.abs(v - expected[i])), 0);
    assert.ok(worst < 1e-4, `largest weight difference ${worst}`);
  });
});
