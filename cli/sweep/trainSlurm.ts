/**
 * `scalenet train CONFIG --slurm`: one config as a one-variant sweep submitted to Slurm,
 * so a single run gets the same batch script, checkpoint-before-the-limit, status,
 * cancel and resume as a sweep. Its sweep folder is <runsDir>/../sweeps/<name>.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parse } from 'jsonc-parser';
import type { SlurmSettings } from '../../sidecar/protocol/sweep';
import { runLoadedSweep, type SweepRunOptions } from '../commands/sweep';
import { loadSweepObject } from './sweepFolder';

export interface SlurmTrainOptions {
  slurm?: boolean;
  time?: string;
  partition?: string;
  account?: string;
  runsDir?: string;
}

export async function trainOnSlurm(
  config: string,
  options: SlurmTrainOptions & SweepRunOptions,
): Promise<number> {
  const path = resolve(config);
  if (!existsSync(path)) {
    console.error(`${path} does not exist.`);
    return 2;
  }
  const raw = parse(readFileSync(path, 'utf8')) as { name?: unknown } | undefined;
  const name =
    typeof raw?.name === 'string' && raw.name ? raw.name : basename(path, '.scalenet.json');
  const slurm: SlurmSettings = {};
  const loaded = loadSweepObject(
    { name, base: path, slurm, ...(options.runsDir ? { runsDir: resolve(options.runsDir) } : {}) },
    path,
  );
  return runLoadedSweep(loaded, { ...options, executor: 'slurm' });
}
