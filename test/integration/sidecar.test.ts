/**
 * The real sidecar process over real JSON-RPC: initialize, a tiny training run to
 * run/finished with above-chance rotation accuracy, stop mid-run with a checkpoint and
 * resume from it, located config errors, and exit when the channel closes.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ResponseError } from 'vscode-jsonrpc/node';
import {
  RunStartRequest,
  RunStopRequest,
  ShutdownRequest,
  type ErrorData,
} from '../../sidecar/protocol';
import { stepPosition } from '../../sidecar/protocol/metricsLog';
import { startSidecar, tempDir, testBackend, type TestSidecar } from '../helpers/sidecar';

interface MetricLine {
  metric: string;
  epoch: number;
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

const tinyConfig = (overrides: Record<string, unknown> = {}) => ({
  name: 'tiny',
  seed: 3,
  method: 'rotnet',
  data: { dataset: 'embedded', limit: 400 },
  model: { blocks: [1, 1], widths: [8, 16] },
  pretext: { scales: [1], epochs: [2], lr: [0.05], batchSize: 16, heldOut: 200 },
  // Evaluation costs time; the first test turns it on and checks it.
  evaluation: { knn: { enabled: false } },
  ...overrides,
});

describe('sidecar over JSON-RPC', () => {
  let sidecar: TestSidecar;
  let workDir: string;

  before(async () => {
    workDir = tempDir('integration');
    sidecar = await startSidecar();
  });

  after(async () => {
    if (sidecar.child.exitCode === null) {
      await sidecar.connection.sendRequest(ShutdownRequest.type, {});
      assert.equal(await sidecar.exit(), 0);
    }
  });

  it('initialize reports the backend the tests asked for (wasm, or torch with its libtorch)', () => {
    assert.equal(sidecar.info.backend.name, testBackend());
    assert.equal(sidecar.info.backend.forced, true);
    assert.equal(sidecar.info.pid, sidecar.child.pid);
    if (testBackend() === 'torch') {
      assert.match(sidecar.info.backend.label, /^libtorch \S+ \((CPU, \d+ threads|CUDA|MPS); \//);
      assert.ok(sidecar.info.backend.device?.library?.path, 'names the libtorch folder');
    } else {
      assert.match(sidecar.info.backend.label, /WebAssembly/);
    }
  });

  it('auto reports why tfjs-node-gpu was not used', async () => {
    const auto = await startSidecar({ SCALENET_BACKEND: '' });
    try {
      const gpu = auto.info.backend.rejected.find((r) => r.backend === 'tensorflow');
      assert.ok(gpu, 'tfjs-node-gpu is listed as rejected');
      assert.match(gpu.reason, /not installed|cannot|failed|torch is faster/i);
    } finally {
      await auto.connection.sendRequest(ShutdownRequest.type, {});
      await auto.exit();
    }
  });

  it('trains a tiny RotNet to above-chance rotation, kNN, linear and fine-tune accuracy', async () => {
    const configPath = join(workDir, 'tiny.scalenet.json');
    const evaluation = {
      testImages: 300,
      knn: { enabled: true, bankImages: 300 },
      finetune: { labels: [200], epochs: 4 },
      linear: { labels: [200], epochs: 5, blocks: ['stage2'] },
    };
    writeFileSync(configPath, JSON.stringify(tinyConfig({ evaluation })));
    const started = await sidecar.connection.sendRequest(RunStartRequest.type, { configPath });
    const result = await sidecar.waitFinished(started.runId, 240_000);
    assert.equal(result.status, 'completed', JSON.stringify(result.error));
    const { metrics } = result;
    // Four rotations: chance is 0.25.
    assert.ok(metrics['pretext/accuracy'] > 0.4, `accuracy ${metrics['pretext/accuracy']}`);
    // Ten classes: chance is 0.1. kNN ran after each epoch, downstream after the last.
    assert.ok(metrics['knn/accuracy'] > 0.3, JSON.stringify(metrics));
    assert.ok(metrics['linear@200/stage2/accuracy'] > 0.15, JSON.stringify(metrics));
    assert.ok(metrics['finetune@200/accuracy'] > 0.15, JSON.stringify(metrics));
    const progress = sidecar.progress.filter(
      (p) => p.runId === started.runId && p.phase === 'pretext',
    );
    assert.ok(progress.length >= 2, 'progress was reported');
    assert.ok(progress.every((p) => p.imagesPerSecond > 0 && Number.isFinite(p.loss)));
    // The run folder: resolved config, metrics per epoch, summary, stage checkpoint.
    const summary = readJson<{ status: string }>(join(started.runDir, 'summary.json'));
    assert.equal(summary.status, 'completed');
    const metricLines = readFileSync(join(started.runDir, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n');
    const accuracyLines = metricLines
      .map((l) => JSON.parse(l) as MetricLine)
      .filter((m) => m.metric === 'pretext/accuracy');
    assert.deepEqual(
      accuracyLines.map((m) => m.epoch),
      [1, 2],
    );
    assert.equal(
      metricLines.map((l) => JSON.parse(l) as MetricLine).filter((m) => m.metric === 'knn/accuracy')
        .length,
      2,
    );
    // Item 15 of #13: what the live chart drew is what a reopened chart replays. Every
    // report sent inside an epoch is a per-step record (fractional epoch) with its loss.
    const sentInsideEpochs = progress
      .filter((p) => p.step < p.stepsPerEpoch)
      .map((p) => ({ stage: p.stage, ...stepPosition(p), value: p.loss }));
    const stepRecords = metricLines
      .map((l) => JSON.parse(l) as MetricLine & { stage: number; step: number; value: number })
      .filter((m) => m.metric === 'pretext/loss' && !Number.isInteger(m.epoch))
      .map(({ stage, epoch, step, value }) => ({ stage, epoch, step, value }));
    assert.ok(stepRecords.length >= 1, 'the first step report is sent at once');
    assert.deepEqual(stepRecords, sentInsideEpochs);
    assert.ok(existsSync(join(started.runDir, 'checkpoints', 'stage1', 'model.json')));
  });

  it('ScaleNet [0.5, 1]: stage 2 starts from stage 1 weights (loss far below a fresh network)', async () => {
    const configPath = join(workDir, 'chain.scalenet.json');
    writeFileSync(
      configPath,
      JSON.stringify(
        tinyConfig({
          name: 'chain',
          method: 'scalenet',
          pretext: {
            scales: [0.5, 1],
            epochs: [3, 1],
            lr: [0.1, 0.05],
            batchSize: 16,
            heldOut: 100,
          },
        }),
      ),
    );
    const started = await sidecar.connection.sendRequest(RunStartRequest.type, { configPath });
    const result = await sidecar.waitFinished(started.runId, 240_000);
    assert.equal(result.status, 'completed', JSON.stringify(result.error));
    const progress = sidecar.progress.filter(
      (p) => p.runId === started.runId && p.phase === 'pretext',
    );
    const firstOf = (stage: number) => progress.find((p) => p.stage === stage)!;
    assert.equal(firstOf(0).inputSize, 14, '0.5 x 28');
    assert.equal(firstOf(1).inputSize, 28);
    // A fresh network starts near ln 4 = 1.386 (four balanced classes).
    assert.ok(firstOf(0).loss > 1.2, `fresh loss ${firstOf(0).loss}`);
    assert.ok(firstOf(1).loss < 0.8 * Math.log(4), `stage 2 first loss ${firstOf(1).loss}`);
    assert.ok(existsSync(join(started.runDir, 'checkpoints', 'stage1', 'model.json')));
    assert.ok(existsSync(join(started.runDir, 'checkpoints', 'stage2', 'model.json')));
    // Batch-norm statistics re-adapt to the new size within the epoch; above chance is enough here.
    assert.ok(
      result.metrics['stage2/accuracy'] > 0.3,
      `stage 2 accuracy ${result.metrics['stage2/accuracy']}`,
    );
  });

  it("reuses another run's images through data.subset, and names a bad subset file", async () => {
    const first = join(workDir, 'subset-a.scalenet.json');
    writeFileSync(
      first,
      JSON.stringify(
        tinyConfig({
          name: 'subset-a',
          seed: 5,
          pretext: { epochs: [1], batchSize: 16, heldOut: 50 },
        }),
      ),
    );
    const a = await sidecar.connection.sendRequest(RunStartRequest.type, { configPath: first });
    assert.equal((await sidecar.waitFinished(a.runId)).status, 'completed');
    const subsetA = readJson<{ indices: number[]; heldOut: number[] }>(
      join(a.runDir, 'subset.json'),
    );
    assert.equal(subsetA.indices.length, 400);

    const second = join(workDir, 'subset-b.scalenet.json');
    const reuse = { dataset: 'embedded', subset: join(a.runDir, 'subset.json') };
    writeFileSync(
      second,
      JSON.stringify(
        tinyConfig({
          name: 'subset-b',
          seed: 6,
          data: reuse,
          pretext: { epochs: [1], batchSize: 16 },
        }),
      ),
    );
    const b = await sidecar.connection.sendRequest(RunStartRequest.type, { configPath: second });
    assert.equal((await sidecar.waitFinished(b.runId)).status, 'completed');
    const subsetB = readJson<{ indices: number[]; heldOut: number[] }>(
      join(b.runDir, 'subset.json'),
    );
    assert.deepEqual(subsetB.indices, subsetA.indices, 'a different seed, the same images');
    assert.deepEqual(subsetB.heldOut, subsetA.heldOut);

    const broken = join(workDir, 'broken-subset.json');
    writeFileSync(broken, JSON.stringify({ ...subsetA, dataset: 'cifar10-train' }));
    const third = join(workDir, 'subset-c.scalenet.json');
    writeFileSync(
      third,
      JSON.stringify(
        tinyConfig({ name: 'subset-c', data: { dataset: 'embedded', subset: broken } }),
      ),
    );
    const c = await sidecar.connection.sendRequest(RunStartRequest.type, { configPath: third });
    const failed = await sidecar.waitFinished(c.runId);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.code, 'data');
    assert.equal(failed.error?.file, broken);
    assert.match(failed.error?.message ?? '', /written for dataset "cifar10-train"/);
  });

  it('stops mid-run with a checkpoint, and a resume continues from it', async () => {
    const configPath = join(workDir, 'stop.scalenet.json');
    writeFileSync(
      configPath,
      JSON.stringify(
        tinyConfig({
          name: 'stop',
          pretext: { scales: [1], epochs: [3], batchSize: 16, heldOut: 100 },
        }),
      ),
    );
    const started = await sidecar.connection.sendRequest(RunStartRequest.type, { configPath });
    await sidecar.waitProgress(
      (p) => p.runId === started.runId && p.phase === 'pretext' && p.step >= 3,
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
    assert.equal(state.stage, 0);
    assert.ok(state.step >= 3, `stopped after step ${state.step}`);

    sidecar.finished.length = 0;
    sidecar.progress.length = 0;
    const resumed = await sidecar.connection.sendRequest(RunStartRequest.type, {
      configPath,
      resume: started.runDir,
    });
    assert.equal(resumed.runDir, started.runDir);
    const first = await sidecar.waitProgress(
      (p) => p.runId === resumed.runId && p.phase === 'pretext',
    );
    assert.equal(first.epoch, state.epoch + 1, 'resumed in the epoch it stopped in');
    assert.ok(first.step > state.step, `resumed at step ${first.step}, after ${state.step}`);
    const done = await sidecar.waitFinished(resumed.runId, 240_000);
    assert.equal(done.status, 'completed');
  });

  it('a stop during the epoch-end kNN monitor still ends with a checkpoint to resume from', async () => {
    const configPath = join(workDir, 'stop-knn.scalenet.json');
    const config = tinyConfig({
      name: 'stop-knn',
      data: { dataset: 'embedded', limit: 64 },
      pretext: { scales: [1], epochs: [3], batchSize: 16, heldOut: 40 },
      evaluation: { testImages: 1000, knn: { enabled: true, bankImages: 3000 } },
    });
    writeFileSync(configPath, JSON.stringify(config));
    const started = await sidecar.connection.sendRequest(RunStartRequest.type, { configPath });
    // The last step of epoch 1: the held-out check and the kNN monitor (4,000 images) follow.
    await sidecar.waitProgress((p) => p.runId === started.runId && p.epoch === 1 && p.step === 4);
    await sidecar.connection.sendRequest(RunStopRequest.type, { runId: started.runId });
    const stopped = await sidecar.waitFinished(started.runId);
    assert.equal(stopped.status, 'stopped');
    assert.ok(stopped.checkpoint, 'a checkpoint to resume from');
    const state = readJson<{ epoch: number; step: number }>(join(stopped.checkpoint, 'state.json'));
    assert.equal(state.epoch, 1, 'epoch 1 is kept: resume starts epoch 2');
    assert.equal(state.step, 0);
  });

  it('rejects a bad config with the file, the field and the fix', async () => {
    const configPath = join(workDir, 'bad.scalenet.json');
    writeFileSync(configPath, JSON.stringify(tinyConfig({ pretext: { scales: [1, 0.5] } })));
    await assert.rejects(
      sidecar.connection.sendRequest(RunStartRequest.type, { configPath }),
      (error: ResponseError<ErrorData>) => {
        assert.equal(error.data?.file, configPath);
        assert.equal(error.data?.field, 'pretext.scales.1');
        assert.match(error.data?.fix ?? '', /ascending/);
        return true;
      },
    );
  });

  it('exits by itself, saying why, when the IPC channel closes', async () => {
    const other = await startSidecar();
    other.child.disconnect();
    assert.equal(await other.exit(), 0);
    assert.ok(
      other.log.some((l) => /exiting \(0\): .*(IPC|disconnect)/.test(l)),
      other.log.join('\n'),
    );
  });
});
