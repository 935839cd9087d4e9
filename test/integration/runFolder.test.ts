/**
 * One run folder, many processes, over the real protocol: a SIGKILLed run leaves its
 * lock behind, which the resuming sidecar takes over (and logs); a second resume of the
 * same run while it trains is refused with the pid that trains it; metrics.jsonl ends
 * with one record per (stage, epoch, step, metric) although an epoch was trained twice;
 * a run folder whose config.json is not a config is a config error naming that file.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ResponseError } from 'vscode-jsonrpc/node';
import { RunStartRequest, ShutdownRequest, type ErrorData } from '../../sidecar/protocol';
import { startSidecar, tempDir, type TestSidecar } from '../helpers/sidecar';

const started: TestSidecar[] = [];
async function sidecar(): Promise<TestSidecar> {
  const s = await startSidecar();
  started.push(s);
  return s;
}
// A failed assertion must not leave sidecars behind (the test runner would wait for them).
after(() => {
  for (const s of started) if (s.child.exitCode === null) s.child.kill('SIGKILL');
});

const config = {
  name: 'lock',
  seed: 5,
  data: { dataset: 'embedded', limit: 240 },
  model: { blocks: [1, 1], widths: [8, 16] },
  pretext: { scales: [1], epochs: [4], lr: [0.05], batchSize: 16, heldOut: 80 },
  evaluation: { knn: { enabled: false } },
  // Epoch 3 is logged but not checkpointed: a kill in epoch 4 makes the resume redo it.
  checkpointEvery: 2,
};

interface Line {
  stage: number;
  epoch: number;
  step: number;
  metric: string;
}

describe('run folder: lock, stored config, metrics after a kill', () => {
  it('kill, resume (lock taken over), a second resume refused, one record per key', async () => {
    const dir = tempDir('runfolder');
    const configPath = join(dir, 'lock.scalenet.json');
    writeFileSync(configPath, JSON.stringify(config));

    const victim = await sidecar();
    const killed = await victim.connection.sendRequest(RunStartRequest.type, { configPath });
    assert.equal(
      (JSON.parse(readFileSync(join(killed.runDir, 'run.lock'), 'utf8')) as { pid: number }).pid,
      victim.info.pid,
      'the training sidecar holds the lock',
    );
    await victim.waitProgress(
      (p) => p.runId === killed.runId && p.phase === 'pretext' && p.epoch === 4 && p.step >= 2,
      120_000,
    );
    victim.child.kill('SIGKILL');
    await victim.exit();
    const linesBefore = readFileSync(join(killed.runDir, 'metrics.jsonl'), 'utf8').trim();
    // Epoch records only: the run's first step loss is one more record, at epoch 0.
    const epochLines = linesBefore.split('\n').filter((l) => {
      const { epoch } = JSON.parse(l) as Line;
      // Per-step records (a fractional epoch) left out.
      return epoch >= 1 && Number.isInteger(epoch);
    });
    assert.equal(epochLines.length, 3 * 4, 'epochs 1-3 were logged before the kill');

    const intruder = await sidecar();
    const rescuer = await sidecar();
    const resumed = await rescuer.connection.sendRequest(RunStartRequest.type, {
      configPath,
      resume: killed.runDir,
    });
    assert.ok(
      rescuer.log.some((l) =>
        new RegExp(`took over run\\.lock of pid ${victim.info.pid}\\b`).test(l),
      ),
      `log: ${rescuer.log.join(' | ')}`,
    );
    await assert.rejects(
      intruder.connection.sendRequest(RunStartRequest.type, { configPath, resume: killed.runDir }),
      new RegExp(`run is in use by pid ${rescuer.info.pid}\\b`),
    );
    const first = await rescuer.waitProgress(
      (p) => p.runId === resumed.runId && p.phase === 'pretext',
    );
    assert.equal(first.epoch, 3, 'continues after the checkpoint of epoch 2');
    const finished = await rescuer.waitFinished(resumed.runId, 240_000);
    assert.equal(finished.status, 'completed');
    await rescuer.connection.sendRequest(ShutdownRequest.type, {});
    assert.ok(!existsSync(join(killed.runDir, 'run.lock')), 'released at the end');

    const lines = readFileSync(join(killed.runDir, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line);
    const keys = lines.map((l) => `${l.stage}/${l.epoch}/${l.step}/${l.metric}`);
    const duplicates = keys.filter((k, i) => keys.indexOf(k) !== i);
    assert.deepEqual(duplicates, [], 'no key written twice');
    const pretextEpochs = lines
      .filter((l) => l.metric === 'pretext/loss' && Number.isInteger(l.epoch))
      .map((l) => l.epoch);
    assert.deepEqual(pretextEpochs, [1, 2, 3, 4]);

    // A stored config edited into something else: a config error on that file.
    const stored = join(killed.runDir, 'config.json');
    writeFileSync(stored, JSON.stringify({ name: 'lock', pretext: { scales: 'all' } }));
    await assert.rejects(
      intruder.connection.sendRequest(RunStartRequest.type, { configPath, resume: killed.runDir }),
      (e: unknown) => {
        assert.ok(e instanceof ResponseError);
        assert.equal(e.code, 4, `a config error, not internal: ${e.message}`);
        const data = e.data as ErrorData;
        assert.equal(data.file, stored);
        assert.match(data.field ?? '', /pretext\.scales/);
        return true;
      },
    );
    await intruder.connection.sendRequest(ShutdownRequest.type, {});
  });
});
