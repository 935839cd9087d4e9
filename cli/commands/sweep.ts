/**
 * `scalenet sweep FILE.sweep.json`: expand a sweep into variants and run them, here
 * (`--executor local`, N at a time) or as one Slurm job array (`--executor slurm`).
 * Running it again submits only the variants that have not completed; stopped,
 * cancelled and timed-out ones resume from their checkpoints.
 * `sweep status`, `sweep cancel` and `sweep task` (one variant; what executors run) follow.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SlurmSettings, SweepManifest, VariantStatus } from '../../sidecar/protocol/sweep';
import { formatTable } from '../table';
import { runLocal } from '../sweep/local';
import { batchScript, sbatch, scancel, writeBatchScript } from '../sweep/slurm';
import { indicesToSubmit, sweepStatus } from '../sweep/status';
import {
  loadSweep,
  prepareSweepFolder,
  readManifest,
  resolveSweepDir,
  writeManifest,
  type LoadedSweep,
} from '../sweep/sweepFolder';

export interface SweepRunOptions {
  dryRun?: boolean;
  executor?: 'local' | 'slurm';
  parallel?: number;
  /** Slurm overrides of the sweep file's `slurm` settings. */
  partition?: string;
  account?: string;
  time?: string;
  maxParallel?: number;
  signalSeconds?: number;
  json?: boolean;
  /** Only these variant indices (e.g. to try one before submitting all). */
  only?: number[];
}

const valueText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

export function dryRunText(loaded: LoadedSweep): string {
  const paths = [...new Set(loaded.variants.flatMap((v) => Object.keys(v.values)))];
  const rows = loaded.variants.map((v) => [
    String(v.index),
    v.name,
    ...paths.map((p) => (p in v.values ? valueText(v.values[p]) : '')),
  ]);
  return [
    formatTable(['#', 'variant', ...paths], rows),
    '',
    `${loaded.variants.length} variants; sweep folder ${loaded.sweepDir}; runs in ${loaded.runsDir}`,
  ].join('\n');
}

/** The bundled CLI this process runs from: what local workers and batch scripts call. */
function cliPath(): string {
  const script = process.argv[1];
  if (!script || !existsSync(script) || !script.endsWith('.js')) {
    throw new Error('Run sweeps through the built CLI (node dist/cli.js sweep …).');
  }
  return script;
}

function slurmSettings(loaded: LoadedSweep, options: SweepRunOptions): SlurmSettings {
  const settings: SlurmSettings = { ...(loaded.sweep.slurm ?? {}) };
  if (options.partition) settings.partition = options.partition;
  if (options.account) settings.account = options.account;
  if (options.time) settings.time = options.time;
  if (options.maxParallel) settings.maxParallel = options.maxParallel;
  if (options.signalSeconds) settings.signalSeconds = options.signalSeconds;
  return settings;
}

function recordSubmission(
  sweepDir: string,
  manifest: SweepManifest,
  submission: SweepManifest['submissions'][number],
) {
  manifest.submissions.push(submission);
  writeManifest(sweepDir, manifest);
}

export async function sweepRunCommand(file: string, options: SweepRunOptions): Promise<number> {
  return runLoadedSweep(loadSweep(file), options);
}

export async function runLoadedSweep(
  loaded: LoadedSweep,
  options: SweepRunOptions,
): Promise<number> {
  if (options.dryRun) {
    if (options.json)
      console.log(
        JSON.stringify(
          { count: loaded.variants.length, variants: loaded.variants, sweepDir: loaded.sweepDir },
          null,
          2,
        ),
      );
    else console.log(dryRunText(loaded));
    return 0;
  }
  const manifest = prepareSweepFolder(loaded);
  const { sweepDir } = loaded;
  const open = indicesToSubmit(sweepStatus(sweepDir, manifest));
  const todo = open.filter((i) => !options.only || options.only.includes(i));
  const skipped = manifest.variants.length - open.length;
  if (todo.length === 0) {
    console.log(`Nothing to submit: every variant of ${sweepDir} is completed, queued or running.`);
    return 0;
  }
  console.log(
    `${todo.length} of ${manifest.variants.length} variants to run${skipped ? ` (${skipped} completed, queued or running)` : ''}; sweep folder ${sweepDir}`,
  );
  const cli = cliPath();
  if ((options.executor ?? 'local') === 'slurm') {
    const settings = slurmSettings(loaded, options);
    const script = writeBatchScript(
      sweepDir,
      batchScript(manifest, sweepDir, settings, { node: process.execPath, cli }),
    );
    const jobId = sbatch(script, todo, settings.maxParallel);
    recordSubmission(sweepDir, manifest, {
      executor: 'slurm',
      jobId,
      indices: todo,
      submittedAt: new Date().toISOString(),
    });
    console.log(`Submitted job array ${jobId} (${todo.length} tasks); batch script ${script}`);
    console.log(`Follow with: scalenet sweep status ${sweepDir}`);
    return 0;
  }
  recordSubmission(sweepDir, manifest, {
    executor: 'local',
    indices: todo,
    submittedAt: new Date().toISOString(),
  });
  const parallel = options.parallel ?? loaded.sweep.local?.parallel ?? 1;
  const started = Date.now();
  const { results, interrupted } = await runLocal(sweepDir, todo, parallel, cli, (r) =>
    console.log(
      `  ${manifest.variants[r.index].name}: ${r.code === 0 ? 'completed' : r.code === 130 ? 'stopped' : `failed (exit ${r.code}; log ${join(sweepDir, 'logs', `local-${r.index}.out`)})`} in ${r.seconds.toFixed(1)} s`,
    ),
  );
  console.log(`Sweep wall time ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (interrupted) return 130;
  return results.every((r) => r.code === 0) ? 0 : 1;
}

export function statusTable(statuses: VariantStatus[]): string {
  const counts = new Map<string, number>();
  for (const s of statuses) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
  const rows = statuses.map((s) => [
    String(s.index),
    s.name,
    s.state,
    s.jobId ?? '—',
    s.slurmState ?? '—',
    s.runStatus ?? '—',
    s.metrics?.['pretext/accuracy'] === undefined
      ? '—'
      : (100 * s.metrics['pretext/accuracy']).toFixed(2),
  ]);
  return [
    formatTable(['#', 'variant', 'state', 'job', 'slurm', 'run', 'pretext acc %'], rows),
    '',
    [...counts.entries()].map(([state, n]) => `${state} ${n}`).join(', '),
  ].join('\n');
}

export function sweepStatusCommand(target: string, options: { json?: boolean }): number {
  const sweepDir = resolveSweepDir(target);
  const statuses = sweepStatus(sweepDir, readManifest(sweepDir));
  console.log(options.json ? JSON.stringify(statuses, null, 2) : statusTable(statuses));
  return 0;
}

/**
 * Cancels the sweep's live Slurm tasks. First the batch shells get USR1, so every
 * running variant writes a checkpoint (the same path as the time-limit warning); after
 * `grace` seconds, or once every run has stopped, scancel ends the tasks.
 */
export async function sweepCancelCommand(
  target: string,
  options: { variant?: number[]; grace?: number },
): Promise<number> {
  const sweepDir = resolveSweepDir(target);
  const manifest = readManifest(sweepDir);
  const live = sweepStatus(sweepDir, manifest).filter(
    (s) =>
      s.jobId &&
      (s.state === 'PENDING' || s.state === 'RUNNING') &&
      (!options.variant || options.variant.includes(s.index)),
  );
  if (live.length === 0) {
    console.log('No queued or running Slurm tasks to cancel.');
    return 0;
  }
  const running = live.filter((s) => s.state === 'RUNNING').map((s) => s.jobId!);
  if (running.length > 0) {
    scancel(running, 'USR1');
    const deadline = Date.now() + 1000 * (options.grace ?? 60);
    while (Date.now() < deadline) {
      const states = sweepStatus(sweepDir, manifest);
      const stillTraining = live.filter((l) => states[l.index].runStatus === 'running');
      if (stillTraining.length === 0) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  scancel(live.map((s) => s.jobId!));
  console.log(`Cancelled ${live.map((s) => s.jobId).join(', ')}; re-submit to resume them.`);
  return 0;
}
