/**
 * For the Slurm tests: the test cluster of test/slurm/cluster.sh (started by
 * `npm run test:slurm`), the built CLI, and polling until a condition holds.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { VariantStatus } from '../../sidecar/protocol/sweep';

export const CLI = join(__dirname, '../../dist/cli.js');
const CLUSTER = join(__dirname, 'cluster.sh');
const run = promisify(execFile);

/** SLURM_CONF of the test cluster; fails with the fix when it is not up. */
export function clusterEnv(): NodeJS.ProcessEnv {
  const conf = execFileSync(CLUSTER, ['env'], { encoding: 'utf8' }).trim().split('=')[1];
  if (!existsSync(conf)) {
    throw new Error(`No test cluster (${conf}). Fix: npm run test:slurm (or ${CLUSTER} start).`);
  }
  const env = { ...process.env, SLURM_CONF: conf };
  execFileSync('sinfo', [], { env }); // throws when the controller does not answer
  return env;
}

export async function scalenet(env: NodeJS.ProcessEnv, ...args: string[]) {
  return run(process.execPath, [CLI, ...args], { env, timeout: 600_000 });
}

export function slurm(env: NodeJS.ProcessEnv, command: string, ...args: string[]): string {
  return execFileSync(command, args, { env, encoding: 'utf8' });
}

export async function status(env: NodeJS.ProcessEnv, target: string): Promise<VariantStatus[]> {
  const { stdout } = await scalenet(env, 'sweep', 'status', target, '--json');
  return JSON.parse(stdout) as VariantStatus[];
}

/** Task id → JobState, straight from scontrol (one line per array task with -o). */
export function scontrolStates(env: NodeJS.ProcessEnv, jobId: string): Map<string, string> {
  const states = new Map<string, string>();
  for (const line of slurm(env, 'scontrol', 'show', 'job', '-o', jobId).split('\n')) {
    const job = /ArrayJobId=(\d+)/.exec(line)?.[1];
    const task = /ArrayTaskId=(\d+)(\s|$)/.exec(line)?.[1];
    const state = /JobState=(\S+)/.exec(line)?.[1];
    if (job && task && state) states.set(`${job}_${task}`, state);
  }
  return states;
}

/** Task id → state of the tasks squeue still lists (pending and running). */
export function squeueStates(env: NodeJS.ProcessEnv, jobId: string): Map<string, string> {
  const out = slurm(env, 'squeue', '--noheader', '--array', '--format=%i|%T', `--jobs=${jobId}`);
  return new Map(
    out
      .split('\n')
      .filter((l) => l.includes('|'))
      .map((l) => l.trim().split('|') as [string, string]),
  );
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  everyMs = 1000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function writeJson(file: string, value: unknown): string {
  writeFileSync(file, JSON.stringify(value, null, 2));
  return file;
}

/** A tiny RotNet: ~80 images, 4 then 8 channels; `epochs` sets how long it runs. */
export function tinyConfig(epochs: number, limit = 120): Record<string, unknown> {
  return {
    name: 'tiny',
    seed: 1,
    method: 'rotnet',
    data: { dataset: 'embedded', limit },
    model: { blocks: [1, 1], widths: [4, 8] },
    pretext: {
      scales: [1],
      epochs: [epochs],
      lr: [0.05],
      batchSize: 16,
      heldOut: 40,
      milestones: [Math.max(1, epochs - 1)],
    },
    evaluation: {
      testImages: 100,
      knn: { enabled: false },
      finetune: { labels: [] },
      linear: { labels: [] },
    },
    checkpointEvery: 1,
  };
}
