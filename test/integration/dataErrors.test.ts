/**
 * User errors over the real protocol are config / data / parameter errors that name the
 * field and the fix, never "internal — this is a bug in ScaleNet" with a stack trace; and
 * budgets beyond the data are clamped out loud (log, summary, metric name).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ResponseError } from 'vscode-jsonrpc/node';
import {
  HarrisPreviewRequest,
  ErrorCodes,
  RunStartRequest,
  ShutdownRequest,
  type HarrisPreviewParams,
} from '../../sidecar/protocol';
import { startSidecar, tempDir, type TestSidecar } from '../helpers/sidecar';

const tiny = {
  model: { blocks: [1, 1], widths: [4, 8] },
  evaluation: { knn: { enabled: false }, finetune: { labels: [] }, linear: { labels: [] } },
};

describe('user errors and clamped budgets over JSON-RPC', () => {
  let sidecar: TestSidecar;
  let dir: string;
  before(async () => {
    sidecar = await startSidecar();
    dir = tempDir('data-errors');
  });
  after(async () => {
    await sidecar.connection.sendRequest(ShutdownRequest.type, {});
  });

  async function failedRun(name: string, config: object) {
    const configPath = join(dir, `${name}.scalenet.json`);
    writeFileSync(configPath, JSON.stringify({ name, ...tiny, ...config }));
    const started = await sidecar.connection.sendRequest(RunStartRequest.type, { configPath });
    const finished = await sidecar.waitFinished(started.runId, 120_000);
    assert.equal(finished.status, 'failed');
    return { configPath, error: finished.error! };
  }

  it('batchSize larger than the images: a config error on pretext.batchSize', async () => {
    const { configPath, error } = await failedRun('batch', {
      data: { dataset: 'embedded', limit: 20 },
      pretext: { scales: [1], epochs: [1], lr: [0.1], batchSize: 64, heldOut: 10 },
    });
    assert.equal(error.code, 'config', error.message);
    assert.equal(error.file, configPath);
    assert.equal(error.field, 'pretext.batchSize');
    assert.match(error.message, /is 64, but the run trains on 20 images \(data\.limit 20\)/);
    assert.match(error.fix ?? '', /at most 20/);
    assert.doesNotMatch(error.message, /\n\s+at /, 'no stack trace');
  });

  it('perClass larger than a class: a config error on data.perClass', async () => {
    const { error } = await failedRun('perclass', {
      data: { dataset: 'embedded', perClass: 500 },
      pretext: { scales: [1], epochs: [1], lr: [0.1], batchSize: 16, heldOut: 10 },
    });
    assert.equal(error.code, 'config', error.message);
    assert.equal(error.field, 'data.perClass');
    assert.match(
      error.message,
      /asks for 500 training images of every class, but class ".+" has only 400/,
    );
    assert.match(error.fix ?? '', /at most 400/);
  });

  it('harris/preview with source null (or a kind without its fields): invalid params', async () => {
    for (const source of [null, 'embedded', { kind: 'files' }, { kind: 'zip' }]) {
      await assert.rejects(
        sidecar.connection.sendRequest(HarrisPreviewRequest.type, {
          source,
        } as unknown as HarrisPreviewParams),
        (e: unknown) => {
          assert.ok(e instanceof ResponseError);
          assert.equal(e.code, ErrorCodes.invalidParams, `${JSON.stringify(source)}: ${e.message}`);
          assert.match(e.message, /source/);
          assert.doesNotMatch(e.message, /TypeError|\n\s+at /);
          return true;
        },
      );
    }
  });

  it('limit, heldOut and a label budget beyond the data: clamped, logged, noted, renamed', async () => {
    const configPath = join(dir, 'clamp.scalenet.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        name: 'clamp',
        model: { blocks: [1, 1], widths: [4, 8] },
        data: { dataset: 'embedded', limit: 100000 },
        pretext: { scales: [1], epochs: [1], lr: [0.1], batchSize: 256, heldOut: 5000 },
        evaluation: {
          testImages: 200,
          knn: { enabled: false },
          finetune: { labels: [100000], epochs: 1, batchSize: 256 },
          linear: { labels: [] },
        },
      }),
    );
    const started = await sidecar.connection.sendRequest(RunStartRequest.type, { configPath });
    const finished = await sidecar.waitFinished(started.runId, 300_000);
    assert.equal(finished.status, 'completed', finished.error?.message);
    assert.ok('finetune@4000/accuracy' in finished.metrics, Object.keys(finished.metrics).join());
    assert.ok(!('finetune@100000/accuracy' in finished.metrics));
    const summary = JSON.parse(readFileSync(join(started.runDir, 'summary.json'), 'utf8')) as {
      notes?: string[];
    };
    assert.deepEqual(summary.notes, [
      'data.limit 100000 is more than the 4000 training images: using all 4000',
      'pretext.heldOut 5000 is more than the 1000 test images: using all 1000',
      'evaluation.finetune.labels 100000 is more than the 4000 labelled training images: using all 4000 (reported as finetune@4000)',
    ]);
    for (const note of summary.notes ?? []) {
      assert.ok(
        sidecar.log.some((l) => l.includes(`run ${started.runId}: ${note}`)),
        `logged: ${note}`,
      );
    }
  });
});
