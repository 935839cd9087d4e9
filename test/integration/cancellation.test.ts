/**
 * Cancelling a long inspect request stops the sidecar's work, not just the client's wait:
 * the handlers check the client's CancellationToken between images, so a cancelled
 * request answers RequestCancelled having done part of the work, and sooner.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CancellationTokenSource, ResponseError } from 'vscode-jsonrpc/node';
import {
  DataPreviewRequest,
  ErrorCodes,
  HarrisPreviewRequest,
  ShutdownRequest,
} from '../../sidecar/protocol';
import { startSidecar, tempDir, type TestSidecar } from '../helpers/sidecar';

const IMAGES = 256;

describe('cancelling inspect requests', () => {
  let sidecar: TestSidecar;
  let configPath: string;

  before(async () => {
    sidecar = await startSidecar();
    configPath = join(tempDir('cancel'), 'cancel.scalenet.json');
    const config = { method: 'scalenet', pretext: { scales: [0.5, 0.75, 1] } };
    writeFileSync(configPath, JSON.stringify(config));
  });

  after(async () => {
    await sidecar.connection.sendRequest(ShutdownRequest.type, {});
    assert.equal(await sidecar.exit(), 0);
  });

  /** Sends the request, cancels it after `afterMs`, and returns the error and the time. */
  async function cancelled(
    send: (token: CancellationTokenSource) => Promise<unknown>,
    afterMs: number,
  ) {
    const source = new CancellationTokenSource();
    const started = performance.now();
    const timer = setTimeout(() => source.cancel(), afterMs);
    try {
      await send(source);
      assert.fail('the cancelled request completed');
    } catch (error) {
      assert.ok(error instanceof ResponseError, String(error));
      return { error, ms: performance.now() - started };
    } finally {
      clearTimeout(timer);
    }
  }

  it('harris/preview stops between images when cancelled', async () => {
    const params = { source: { kind: 'config' as const, configPath }, count: IMAGES };
    const started = performance.now();
    const full = await sidecar.connection.sendRequest(HarrisPreviewRequest.type, params);
    const fullMs = performance.now() - started;
    assert.equal(full.images.length, IMAGES);

    const { error, ms } = await cancelled(
      (source) => sidecar.connection.sendRequest(HarrisPreviewRequest.type, params, source.token),
      fullMs / 4,
    );
    assert.equal(error.code, ErrorCodes.requestCancelled, error.message);
    const done = Number(/after (\d+) of 256 images/.exec(error.message)?.[1]);
    assert.ok(
      done > 0 && done < IMAGES * 0.75,
      `${done} of ${IMAGES} images done: ${error.message}`,
    );
    // Work done, not time, is asserted: this machine is shared and its timings noisy.
    console.log(
      `harris cancelled after ${ms.toFixed(0)} ms; the full request ${fullMs.toFixed(0)} ms`,
    );
  });

  it('data/preview stops between images when cancelled', async () => {
    const params = { configPath, count: 64 };
    await sidecar.connection.sendRequest(DataPreviewRequest.type, params); // data read once
    const started = performance.now();
    const full = await sidecar.connection.sendRequest(DataPreviewRequest.type, params);
    const fullMs = performance.now() - started;
    assert.equal(full.rows.length, 64);

    // Its work takes a fraction of the round trip (most is sending the grid's PNG back):
    // cancel as soon as it is sent.
    const { error, ms } = await cancelled(
      (source) => sidecar.connection.sendRequest(DataPreviewRequest.type, params, source.token),
      // Not 0: vscode-jsonrpc drops a cancel that arrives before its request is
      // dispatched (no token exists yet), and the work itself is only a few hundred ms.
      25,
    );
    console.log(
      `preview cancelled after ${ms.toFixed(0)} ms; the full request ${fullMs.toFixed(0)} ms`,
    );
    assert.equal(error.code, ErrorCodes.requestCancelled, error.message);
    const match = /after (\d+) of (\d+) columns|after reading the data/.exec(error.message);
    assert.ok(match && (!match[1] || Number(match[1]) < Number(match[2])), error.message);
  });
});
