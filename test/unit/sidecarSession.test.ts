/**
 * The CLI's sidecar session against real fixture processes: closing a session whose
 * sidecar has died must finish at once, so that `scalenet train` always gets to set its
 * non-zero exit code (it used to wait on a `shutdown` that could never be answered,
 * behind an unref()'d timer, and Node exited 0 first).
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { openSession } from '../../cli/sidecarSession';

const fixture = fileURLToPath(
  new URL('../fixtures/sidecars/die-keeping-ipc-open.ts', import.meta.url),
);

describe('CLI sidecar session', () => {
  it('close() after the sidecar was SIGKILLed returns at once, without a pending shutdown', async () => {
    const session = await openSession({
      sidecar: { script: fixture, execArgv: ['--import', 'tsx'] },
    });
    const error = await session.exited.catch((e: Error) => e);
    assert.match(String(error), /The sidecar exited \(SIGKILL\)/);
    const started = Date.now();
    let closed = false;
    const closing = session.close().then(() => (closed = true));
    // The IPC pipe stays open ~3 s after the exit (a grandchild holds it); close() must
    // not wait for it, nor for the 5 s shutdown grace.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.ok(closed, `close() still pending ${Date.now() - started} ms after the exit`);
    await closing;
  });
});
