/**
 * Previews stay interactive while a run trains: a 2-image Harris preview of the real
 * sidecar, idle and then during a real training run in the same sidecar. It used to take
 * 100 times longer during training (each of the preview's file and gunzip round trips
 * waited for a training step); the bound here is generous, the measured numbers are
 * printed for the report.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  HarrisPreviewRequest,
  RunStartRequest,
  RunStopRequest,
  ShutdownRequest,
} from '../../sidecar/protocol';
import { startSidecar, tempDir } from '../helpers/sidecar';

const config = {
  name: 'busy',
  seed: 2,
  method: 'scalenet',
  data: { dataset: 'embedded', limit: 800 },
  model: { blocks: [1, 1], widths: [8, 16] },
  // Long enough to outlast the measurements; the test stops it.
  pretext: { scales: [0.5, 1], epochs: [50, 50], lr: [0.05, 0.05], batchSize: 32, heldOut: 100 },
  evaluation: { knn: { enabled: false } },
};

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

describe('inspect requests during training', () => {
  it('a 2-image Harris preview answers in under 5 s while a run trains', async () => {
    const dir = tempDir('busy');
    const configPath = join(dir, 'busy.scalenet.json');
    writeFileSync(configPath, JSON.stringify(config));
    const sidecar = await startSidecar({ SCALENET_BACKEND: 'wasm' });
    const preview = async () => {
      const started = performance.now();
      const result = await sidecar.connection.sendRequest(HarrisPreviewRequest.type, {
        source: { kind: 'config', configPath },
        count: 2,
      });
      assert.equal(result.images.length, 2);
      return performance.now() - started;
    };
    try {
      const idle = [await preview(), await preview(), await preview()];
      const run = await sidecar.connection.sendRequest(RunStartRequest.type, { configPath });
      await sidecar.waitProgress(
        (p) => p.runId === run.runId && p.phase === 'pretext' && p.step >= 2,
      );
      const busy: number[] = [];
      for (let i = 0; i < 4; i++) busy.push(await preview());
      const steps = sidecar.progress.filter((p) => p.runId === run.runId && p.phase === 'pretext');
      const stepMs = 1000 / (steps.at(-1)!.imagesPerSecond / config.pretext.batchSize);
      console.log(
        `harris/preview (2 images): idle ${idle.map((ms) => ms.toFixed(0)).join(', ')} ms; ` +
          `during training ${busy.map((ms) => ms.toFixed(0)).join(', ')} ms ` +
          `(one training step ≈ ${stepMs.toFixed(0)} ms)`,
      );
      for (const ms of busy)
        assert.ok(ms < 5000, `a preview during training took ${ms.toFixed(0)} ms`);
      assert.ok(median(busy) < 2500, `median ${median(busy).toFixed(0)} ms during training`);
      await sidecar.connection.sendRequest(RunStopRequest.type, { runId: run.runId });
      const finished = await sidecar.waitFinished(run.runId, 60_000);
      assert.equal(finished.status, 'stopped');
      await sidecar.connection.sendRequest(ShutdownRequest.type, {});
    } finally {
      sidecar.child.kill('SIGKILL');
    }
  });
});
