/**
 * Runs one TrainCase in a child process (bench/trainWorker.ts) with a time limit: a case
 * that hangs (e.g. threads on a full heap) or aborts becomes a failed result.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { TrainCase, WorkerReply } from './trainWorker';

export function runTrainCase(
  c: TrainCase,
  timeoutSeconds: number,
  env: Record<string, string> = {},
): Promise<WorkerReply> {
  return new Promise((resolve) => {
    const child = fork(join(__dirname, 'trainWorker.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, ...env },
      // tfjs and the wasm runtime print to stdout; keep the table clean.
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    let reply: WorkerReply | undefined;
    const timer = setTimeout(() => {
      reply ??= { ok: false, error: `no result within ${timeoutSeconds} s (hung?)` };
      child.kill('SIGKILL');
    }, timeoutSeconds * 1000);
    child.on('message', (m: WorkerReply) => (reply ??= m));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const lastLine = stderr.trim().split('\n').pop()?.slice(0, 300) ?? '';
      resolve(
        reply ?? {
          ok: false,
          error: `worker exited (${signal ?? code}) without a result${lastLine ? `: ${lastLine}` : ''}`,
        },
      );
    });
    child.send(c);
  });
}
