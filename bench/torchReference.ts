/**
 * Runs bench/torch_reference.py when a Python with PyTorch is present (Debian's
 * python3-torch is the reference of issue 8; it is not a dependency of the product).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export interface TorchResult {
  /** 18 or 50 (absent in records written before ResNet-50 was measured: 18). */
  depth?: number;
  size: number;
  batch: number;
  warmup: number;
  steps: number;
  seconds: number[];
  medianSeconds: number;
  minSeconds: number;
  imagesPerSecond: number;
  torch: string;
  threads: number;
}

export type TorchReference =
  | { available: true; python: string; results: TorchResult[] }
  | { available: false; reason: string };

/** Debian's interpreter first: a pyenv or venv `python3` on PATH usually lacks apt's torch. */
const CANDIDATES = ['/usr/bin/python3', 'python3'];

export function findTorchPython(): string | undefined {
  return CANDIDATES.find(
    (python) =>
      spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 }).status === 0,
  );
}

export function runTorchReference(o: {
  /** ResNet depth and input size of each case. */
  cases: { depth: 18 | 50; size: number }[];
  batch: number;
  warmup: number;
  /** Timed steps per case. */
  steps: number[];
  /** The torch backend's thread count, so that both sides run on the same cores. */
  threads: number;
  timeoutSeconds: number;
}): TorchReference {
  const python = findTorchPython();
  if (python == null) {
    return {
      available: false,
      reason: 'skipped: python3-torch not installed (apt-get install -y python3-torch)',
    };
  }
  const run = spawnSync(
    python,
    [
      join(__dirname, 'torch_reference.py'),
      `--cases=${o.cases.map((c) => `${c.depth}:${c.size}`).join(',')}`,
      `--batch=${o.batch}`,
      `--warmup=${o.warmup}`,
      `--steps=${o.steps.join(',')}`,
      `--threads=${o.threads}`,
    ],
    { encoding: 'utf8', timeout: o.timeoutSeconds * 1000 },
  );
  if (run.status !== 0) {
    const why = run.error?.message ?? run.stderr.trim().split('\n').pop() ?? `exit ${run.status}`;
    return { available: false, reason: `failed: ${why}` };
  }
  const results = run.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as TorchResult);
  return { available: true, python, results };
}
