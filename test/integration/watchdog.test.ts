/**
 * A sidecar whose main thread is stuck still dies with its parent: the real sidecar,
 * its event loop blocked for good by a /proc mkdir (test/fixtures/stuck), its parent
 * SIGKILLed. The worker-thread watchdog must end it within a few seconds; before it,
 * the sidecar stayed as an orphan spinning a core.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { SIDECAR_SCRIPT } from '../helpers/sidecar';

const parentScript = fileURLToPath(new URL('../fixtures/stuck/parent.ts', import.meta.url));

/** Alive and not a zombie (a zombie has ended; only its reaping is left). */
function running(pid: number): boolean {
  try {
    const state = /State:\s+(\S)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return state !== undefined && state !== 'Z';
  } catch {
    return false;
  }
}

/** Seconds of CPU the process has used (utime + stime). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('parent watchdog', () => {
  it('a sidecar with a stuck main thread is gone within 5 s of its parent being killed', async () => {
    const parent = spawn(process.execPath, ['--import', 'tsx', parentScript, SIDECAR_SCRIPT], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    parent.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const pid = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no sidecar pid in 60 s\n${stderr}`)),
        60_000,
      );
      parent.stdout.on('data', (d: Buffer) => {
        const match = /sidecar pid (\d+)/.exec(d.toString());
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
    });
    try {
      // Wait until the main thread is stuck: it burns CPU while it should be idle.
      const deadline = Date.now() + 20_000;
      while (!stderr.includes('blocking the main thread') && Date.now() < deadline) await sleep(50);
      assert.ok(stderr.includes('blocking the main thread'), stderr);
      const before = cpuSeconds(pid);
      await sleep(1000);
      const busy = cpuSeconds(pid) - before;
      console.log(`the blocked sidecar used ${busy.toFixed(2)} s of CPU in 1 s`);
      assert.ok(busy > 0.05, `the blocked sidecar used ${busy} s of CPU in 1 s`);

      parent.kill('SIGKILL');
      const killedAt = Date.now();
      while (running(pid) && Date.now() - killedAt < 10_000) await sleep(100);
      const goneAfterMs = Date.now() - killedAt;
      console.log(`stuck sidecar gone ${goneAfterMs} ms after its parent was killed`);
      assert.ok(!running(pid), `sidecar ${pid} still running 10 s after its parent died`);
      assert.ok(goneAfterMs < 5000, `gone only after ${goneAfterMs} ms`);
    } finally {
      if (running(pid)) process.kill(pid, 'SIGKILL');
      parent.kill('SIGKILL');
    }
  });
});
