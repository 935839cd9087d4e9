/**
 * The torch backend against PyTorch eager on the same libtorch, one training step of each
 * in turn (ResNet CIFAR stem, SGD momentum, batch 128, the same threads), so that load from
 * other processes on a shared machine hits both alike; the side that goes first rotates
 * each round. Two PyTorch processes: as a user runs it, and with the glibc heap settings the
 * torch backend makes for itself (MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_: large
 * blocks reused instead of mmapped afresh), so that the ratio does not hide where the
 * difference comes from.
 *
 * Run by bench/train-throughput.ts in a process of its own (the torch backend must be the
 * active one); alone:
 *   node --import tsx bench/torchInterleaved.ts [depth=18] [size=16] [rounds=6] [warmup=3]
 * prints one JSON line (InterleavedResult).
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import * as tf from '@tensorflow/tfjs';
import { registerTorchBackend } from '../sidecar/backend/torch';
import { findAddon } from '../sidecar/backend/torchAddonFile';
import { requestedTorchThreads } from '../sidecar/backend/torchStart';
import { buildStandardResNet } from '../sidecar/models/resnetPresets';
import { median } from './measure';
import { findTorchPython } from './torchReference';

const BATCH = 128;
/** What the addon sets for itself with mallopt (native/addon.cpp keepLargeBlocksInHeap). */
const HEAP_SETTINGS = {
  MALLOC_MMAP_THRESHOLD_: String(2 ** 30),
  MALLOC_TRIM_THRESHOLD_: String(2 ** 30),
};

export interface InterleavedResult {
  depth: number;
  size: number;
  batch: number;
  threads: number;
  warmup: number;
  /** Seconds of each timed step, per side. */
  seconds: { torch: number[]; pytorch: number[]; pytorchHeapSettings: number[] };
}

type Step = () => Promise<number>;

function pytorchProcess(
  python: string,
  depth: number,
  size: number,
  threads: number,
  env: Record<string, string>,
) {
  const child = spawn(
    python,
    [join(__dirname, 'torch_step.py'), String(depth), String(size), String(threads)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    },
  );
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const step: Step = async () => {
    child.stdin.write('\n');
    const line = await lines.next();
    if (line.done) throw new Error(`${python} bench/torch_step.py ended early`);
    return Number(line.value);
  };
  return { step, close: () => child.stdin.end() };
}

async function measure(
  depth: 18 | 50,
  size: number,
  rounds: number,
  warmup: number,
): Promise<InterleavedResult> {
  const addon = findAddon(process.env);
  if (addon == null) throw new Error('the torch addon is not built (npm run build:native)');
  const threads = requestedTorchThreads(process.env);
  const started = registerTorchBackend(addon, { threads, device: 'cpu' });
  if (!started.ok) throw new Error(started.reason);
  await tf.setBackend('torch');
  const model = buildStandardResNet(depth, { inputChannels: 3, classes: 4, seed: 1 });
  const optimizer = tf.train.momentum(0.05, 0.9);
  const x = tf.randomNormal([BATCH, size, size, 3]);
  const labels = tf.tensor1d(
    Array.from({ length: BATCH }, (_, i) => i % 4),
    'int32',
  );
  const y = tf.oneHot(labels, 4);
  const torchStep: Step = () => {
    const start = performance.now();
    const loss = optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor),
      true,
    );
    loss?.dataSync();
    loss?.dispose();
    return Promise.resolve((performance.now() - start) / 1000);
  };
  const python = findTorchPython();
  if (python == null) throw new Error('no python3 with PyTorch (apt-get install -y python3-torch)');
  const plain = pytorchProcess(python, depth, size, threads, {});
  const tuned = pytorchProcess(python, depth, size, threads, HEAP_SETTINGS);
  const sides: [keyof InterleavedResult['seconds'], Step][] = [
    ['torch', torchStep],
    ['pytorch', plain.step],
    ['pytorchHeapSettings', tuned.step],
  ];
  const seconds: InterleavedResult['seconds'] = { torch: [], pytorch: [], pytorchHeapSettings: [] };
  try {
    for (let round = 0; round < warmup + rounds; round++) {
      for (let k = 0; k < sides.length; k++) {
        const [name, step] = sides[(round + k) % sides.length];
        const s = await step();
        if (round >= warmup) seconds[name].push(s);
      }
    }
  } finally {
    plain.close();
    tuned.close();
  }
  return { depth, size, batch: BATCH, threads, warmup, seconds };
}

/** Whether a python3 with PyTorch is at hand (the interleaved rows need it). */
export function pytorchAvailable(): boolean {
  return findTorchPython() != null;
}

/** Runs measure() in a child process with the torch backend; an error names what failed. */
export function runInterleaved(
  o: { depth: 18 | 50; size: number; rounds: number; warmup: number; timeoutSeconds: number },
  env: Record<string, string>,
): InterleavedResult | { error: string } {
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      __filename,
      String(o.depth),
      String(o.size),
      String(o.rounds),
      String(o.warmup),
    ],
    { encoding: 'utf8', timeout: o.timeoutSeconds * 1000, env: { ...process.env, ...env } },
  );
  const line = run.stdout?.split('\n').find((l) => l.startsWith('{"depth"'));
  if (run.status === 0 && line) return JSON.parse(line) as InterleavedResult;
  const why = run.error?.message ?? run.stderr?.trim().split('\n').pop() ?? `exit ${run.status}`;
  return { error: `interleaved ResNet-${o.depth} ${o.size} px: ${why}` };
}

/** Median images per second of one side. */
export function medianRate(seconds: number[], batch = BATCH): number {
  return batch / median(seconds);
}

if (require.main === module) {
  const [depth = 18, size = 16, rounds = 6, warmup = 3] = process.argv.slice(2).map(Number);
  measure(depth === 50 ? 50 : 18, size, rounds, warmup).then(
    (r) => console.log(JSON.stringify(r)),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exit(1);
    },
  );
}
