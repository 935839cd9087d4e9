/**
 * Nothing lost on a crash: a run whose sidecar is killed with SIGKILL mid-epoch and then
 * resumed from its last checkpoint ends with the same metrics as an uninterrupted run of
 * the same seed, because data order, optimiser slots and batch-norm statistics are all
 * restored.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RunStartRequest, ShutdownRequest } from '../../sidecar/protocol';
import { startSidecar, tempDir } from '../helpers/sidecar';

const config = {
  name: 'resume',
  seed: 11,
  data: { dataset: 'embedded', limit: 240 },
  model: { blocks: [1, 1], widths: [8, 16] },
  pretext: { scales: [1], epochs: [3], lr: [0.05], batchSize: 16, heldOut: 80, milestones: [2] },
  evaluation: { knn: { enabled: false } },
  checkpointEvery: 1,
};

describe('kill and resume', () => {
  it('a SIGKILLed run resumed from its checkpoint ends like an uninterrupted one', async () => {
    const dir = tempDir('resume');
    const configPath = join(dir, 'resume.scalenet.json');
    writeFileSync(configPath, JSON.stringify(config));

    const reference = await startSidecar();
    const straight = await reference.connection.sendRequest(RunStartRequest.type, { configPath });
    const expected = await reference.waitFinished(straight.runId, 240_000);
    assert.equal(expected.status, 'completed');
    await reference.connection.sendRequest(ShutdownRequest.type, {});

    const victim = await startSidecar();
    const killed = await victim.connection.sendRequest(RunStartRequest.type, { configPath });
    await victim.waitProgress((p) => p.runId === killed.runId && p.epoch === 2 && p.step >= 5);
    victim.child.kill('SIGKILL');
    await victim.exit();

    const rescuer = await startSidecar();
    const resumed = await rescuer.connection.sendRequest(RunStartRequest.type, {
      configPath,
      resume: killed.runDir,
    });
    const first = await rescuer.waitProgress(
      (p) => p.runId === resumed.runId && p.phase === 'pretext',
    );
    assert.equal(first.epoch, 2, 'continues with the epoch after the last checkpoint');
    const actual = await rescuer.waitFinished(resumed.runId, 240_000);
    await rescuer.connection.sendRequest(ShutdownRequest.type, {});
    assert.equal(actual.status, 'completed');

    for (const metric of ['pretext/accuracy', 'pretext/loss', 'pretext/train_accuracy']) {
      const diff = Math.abs(actual.metrics[metric] - expected.metrics[metric]);
      assert.ok(
        diff < 1e-4,
        `${metric}: resumed ${actual.metrics[metric]} vs ${expected.metrics[metric]}`,
      );
    }
  });
});
