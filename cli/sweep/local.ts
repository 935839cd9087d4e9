/**
 * The local executor: `parallel` workers on this machine, each a `scalenet sweep task`
 * child process (its own sidecar), output in logs/local-N.out. Ctrl-C forwards SIGINT:
 * every running variant stops with a checkpoint and a re-run resumes it.
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { openSync, closeSync } from 'node:fs';
import { join } from 'node:path';

export interface LocalResult {
  index: number;
  code: number;
  seconds: number;
}

export async function runLocal(
  sweepDir: string,
  indices: number[],
  parallel: number,
  cli: string,
  onDone: (result: LocalResult) => void = () => undefined,
): Promise<{ results: LocalResult[]; interrupted: boolean }> {
  const queue = [...indices];
  // The cores shared out: N libtorch runs of all cores each oversubscribe OpenMP and run
  // several times slower than N runs of cores/N threads.
  const threadsEach =
    process.env.SCALENET_TORCH_THREADS ||
    String(Math.max(1, Math.floor(availableParallelism() / Math.max(1, parallel))));
  const results: LocalResult[] = [];
  const children = new Set<ReturnType<typeof spawn>>();
  let interrupted = false;
  const onInterrupt = () => {
    interrupted = true;
    console.log('\nStopping: each running variant writes a checkpoint first…');
    for (const child of children) child.kill('SIGINT');
  };
  process.on('SIGINT', onInterrupt);

  const worker = async () => {
    for (let index = queue.shift(); index !== undefined && !interrupted; index = queue.shift()) {
      const log = openSync(join(sweepDir, 'logs', `local-${index}.out`), 'a');
      const started = Date.now();
      const child = spawn(process.execPath, [cli, 'sweep', 'task', sweepDir, String(index)], {
        stdio: ['ignore', log, log],
        env: { ...process.env, SCALENET_TORCH_THREADS: threadsEach },
      });
      children.add(child);
      const code = await new Promise<number>((done) =>
        child.once('exit', (c, signal) => done(c ?? (signal ? 128 : 1))),
      );
      children.delete(child);
      closeSync(log);
      const result = { index, code, seconds: (Date.now() - started) / 1000 };
      results.push(result);
      onDone(result);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
  } finally {
    process.off('SIGINT', onInterrupt);
  }
  return { results, interrupted };
}
