/**
 * The run store through the real sidecar: a run that fails before its first step
 * (reading the data, checking the input sizes) ends as `failed` in its summary.json with
 * the error recorded, like any later failure (before, such runs stayed "running" forever:
 * issue 13, item 2); and `runs/history` / `runs/stages` answer what the panels used to
 * parse from run files themselves.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  RunsHistoryRequest,
  RunsStagesRequest,
  RunStartRequest,
  ShutdownRequest,
  type RunSummary,
} from '../../sidecar/protocol';
import { startSidecar, tempDir, type TestSidecar } from '../helpers/sidecar';

const summaryOf = (runDir: string) =>
  JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as RunSummary;

const config = (overrides: Record<string, unknown>) => ({
  name: 'fails-early',
  seed: 3,
  method: 'rotnet',
  data: { dataset: 'embedded', limit: 100 },
  model: { blocks: [1, 1], widths: [8, 16] },
  pretext: { scales: [1], epochs: [1], lr: [0.05], batchSize: 16, heldOut: 50 },
  evaluation: { knn: { enabled: false } },
  ...overrides,
});

describe('run store over JSON-RPC', () => {
  let sidecar: TestSidecar;
  let workDir: string;

  before(async () => {
    workDir = tempDir('run-failures');
    sidecar = await startSidecar();
  });

  after(async () => {
    await sidecar.connection.sendRequest(ShutdownRequest.type, {});
    assert.equal(await sidecar.exit(), 0);
  });

  it('a data set that cannot be read: summary says failed, with the data error', async () => {
    const missing = join(workDir, 'no-such-subset.json');
    const configPath = join(workDir, 'bad-data.scalenet.json');
    writeFileSync(
      configPath,
      JSON.stringify(config({ data: { dataset: 'embedded', subset: missing } })),
    );
    const started = await sidecar.connection.sendRequest(RunStartRequest.type, { configPath });
    const finished = await sidecar.waitFinished(started.runId);
    assert.equal(finished.status, 'failed');
    const summary = summaryOf(started.runDir);
    assert.equal(summary.status, 'failed');
    assert.equal(summary.error?.code, 'data');
    assert.equal(summary.error?.file, missing);
    assert.deepEqual(summary.error, finished.error);
  });

  it('inputs too small for the model: summary says failed, naming the field', async () => {
    const configPath = join(workDir, 'too-small.scalenet.json');
    // 28 px images at scale 0.25 are 7 px; ImageNet's AlexNet needs 31 px.
    const small = config({
      method: 'scalenet',
      model: { arch: 'alexnet', variant: 'imagenet' },
      pretext: { scales: [0.25, 1], epochs: [1], lr: [0.05], batchSize: 16, heldOut: 50 },
    });
    writeFileSync(configPath, JSON.stringify(small));
    const started = await sidecar.connection.sendRequest(RunStartRequest.type, { configPath });
    const finished = await sidecar.waitFinished(started.runId);
    assert.equal(finished.status, 'failed');
    const summary = summaryOf(started.runDir);
    assert.equal(summary.status, 'failed');
    assert.equal(summary.error?.code, 'config');
    assert.equal(summary.error?.field, 'pretext.scales.0');
    assert.equal(summary.error?.file, configPath);
  });

  it('runs/history and runs/stages answer from the run folder', async () => {
    const configPath = join(workDir, 'done.scalenet.json');
    writeFileSync(configPath, JSON.stringify(config({ name: 'done' })));
    const started = await sidecar.connection.sendRequest(RunStartRequest.type, { configPath });
    assert.equal((await sidecar.waitFinished(started.runId)).status, 'completed');
    const history = await sidecar.connection.sendRequest(RunsHistoryRequest.type, {
      runDir: started.runDir,
    });
    assert.equal(history.runId, started.runId);
    assert.deepEqual(history.scales, [1]);
    const losses = history.records.filter((r) => r.metric === 'pretext/loss');
    // One epoch of one stage: one epoch record, at its end, after the per-step records of
    // the reports sent inside it (fractional epochs, rising).
    const epochLosses = losses.filter((r) => Number.isInteger(r.epoch));
    assert.deepEqual(
      epochLosses.map((r) => [r.stage, r.epoch]),
      [[0, 1]],
    );
    assert.ok(epochLosses[0].value > 0 && Number.isFinite(epochLosses[0].value));
    const steps = losses.map((r) => r.epoch);
    assert.deepEqual(
      steps,
      [...steps].sort((a, b) => a - b),
      'in the order trained',
    );
    assert.equal(losses.at(-1), epochLosses[0], 'the epoch record comes last');
    const stages = await sidecar.connection.sendRequest(RunsStagesRequest.type, {
      runDir: started.runDir,
    });
    assert.deepEqual(stages, { method: 'rotnet', stages: ['stage1', 'stage2'] });
    await assert.rejects(
      sidecar.connection.sendRequest(RunsStagesRequest.type, { runDir: workDir }),
      /is not a run folder/,
    );
  });
});
