/**
 * A client-given path whose read never returns (here a FIFO nobody writes to; under
 * /proc there are others) must not freeze the sidecar: config and image reads in the
 * request path are asynchronous, so other requests are still answered meanwhile.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { HarrisPreviewRequest, RunsListRequest } from '../../sidecar/protocol';
import { startSidecar, tempDir } from '../helpers/sidecar';

const within = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms),
    ),
  ]);

describe('blocking client paths', () => {
  it('a config path that never finishes reading leaves other requests answered', async () => {
    const dir = tempDir('fifo');
    const fifo = join(dir, 'stuck.scalenet.json');
    execFileSync('mkfifo', [fifo]);
    const good = join(dir, 'good.scalenet.json');
    writeFileSync(good, JSON.stringify({ data: { dataset: 'embedded', limit: 40 } }));
    const sidecar = await startSidecar();
    try {
      const stuck = sidecar.connection.sendRequest(HarrisPreviewRequest.type, {
        source: { kind: 'config', configPath: fifo },
        count: 1,
      });
      stuck.catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const preview = await within(
        sidecar.connection.sendRequest(HarrisPreviewRequest.type, {
          source: { kind: 'config', configPath: good },
          count: 2,
        }),
        10_000,
        'a second preview while the first reads a FIFO',
      );
      assert.equal(preview.images.length, 2);
      const runs = await within(
        sidecar.connection.sendRequest(RunsListRequest.type, { runsDir: dir }),
        5_000,
        'runs/list',
      );
      assert.deepEqual(runs, []);
      // Unblock the first read: it ends as a config error naming the file.
      await writeFile(fifo, '{ not json');
      await assert.rejects(within(stuck, 10_000, 'the FIFO preview'), (error: Error) => {
        assert.match(error.message, /stuck\.scalenet\.json|JSON|parse/i);
        return true;
      });
    } finally {
      sidecar.child.kill('SIGKILL');
    }
  });
});
