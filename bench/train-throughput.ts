/**
 * `npm run bench`: training throughput on wasm and, where its addon is built, on the torch
 * backend, side by side in one run (each case in its own process per backend), the input
 * pipeline, the sidecar's time to first progress on each, and PyTorch (Debian's
 * python3-torch, the same libtorch) as the reference, with the torch backend's thread
 * count, then the torch backend and PyTorch step by step in turn (bench/torchInterleaved.ts:
 * the ratio that load on a shared machine does not skew). Writes
 * bench/results/<date>-<time>-<host>.json and prints a short table.
 *
 *   --only default,r18-16,r18-32,r50-32,pipeline,simclr,first-progress,torch,interleaved
 *                              run a subset
 *   --backends wasm,torch      which backends to time (default: both, torch when built)
 *   --compare NAME=ENV=VALUE   also time the default model and ResNet-18 16x16 with that
 *                              environment's kernel set (e.g. SCALENET_WASM_KERNELS=-bnGrad,
 *                              the kernels before a change), step by step in the same process
 *   --threads N                also run every case with SCALENET_WASM_THREADS=N in its own
 *                              process (default 2; 1 turns it off); not ResNet-18 32x32
 *                              unless --threads-32 is given (minutes per process)
 *   --steps-scale F            multiply every timed step count by F (rounded, >= 1)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, hostname, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { chooseBackend } from '../sidecar/backend/chooseBackend';
import { findAddon } from '../sidecar/backend/torchAddonFile';
import { requestedTorchThreads } from '../sidecar/backend/torchStart';
import { measureFirstProgress } from './firstProgress';
import { measurePipeline } from './pipeline';
import { formatTable, type BenchRecord, type CaseRecord } from './report';
import { runTrainCase } from './runWorker';
import { measureSimclrThroughput } from './simclrThroughput';
import { pytorchAvailable, runInterleaved } from './torchInterleaved';
import { runTorchReference } from './torchReference';
import type { TrainCase } from './trainWorker';
import { DEFAULT_CONFIG } from './trainBench';

interface Args {
  only?: Set<string>;
  backends: Set<string>;
  compare: { name: string; env: Record<string, string> }[];
  stepsScale: number;
  threads: number;
  threads32: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    compare: [],
    stepsScale: 1,
    threads: 2,
    threads32: false,
    backends: new Set(['wasm', 'torch']),
  };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1] ?? '';
    if (argv[i] === '--only') args.only = new Set(value.split(','));
    else if (argv[i] === '--steps-scale') args.stepsScale = Number(value);
    else if (argv[i] === '--backends') args.backends = new Set(value.split(','));
    else if (argv[i] === '--threads') args.threads = Number(value);
    else if (argv[i] === '--threads-32') {
      args.threads32 = true;
      continue;
    } else if (argv[i] === '--compare') {
      const [name, key, ...rest] = value.split('=');
      args.compare.push({ name, env: { [key]: rest.join('=') } });
    } else continue;
    i++;
  }
  return args;
}

const errorOf = (e: unknown): { error: string } => ({
  error: e instanceof Error ? e.message : String(e),
});

async function main(): Promise<void> {
  const began = performance.now();
  const args = parseArgs(process.argv.slice(2));
  const wanted = (id: string): boolean => args.only == null || args.only.has(id);
  const steps = (n: number): number => Math.max(1, Math.round(n * args.stepsScale));
  const loadStart = loadavg()[0];
  const date = new Date().toISOString();

  // ResNet-18 at 32x32 in one pass of 128 needs more than the 4 GiB wasm heap
  // (MACHINE.md): 4 micro-batches of 32 with gradient accumulation instead.
  const cases: { id: string; c: TrainCase; timeout: number }[] = [
    { id: 'default', c: { kind: 'default', warmup: 3, steps: steps(10) }, timeout: 180 },
    {
      id: 'r18-16',
      c: { kind: 'resnet18', size: 16, batch: 128, microBatch: 128, warmup: 1, steps: steps(4) },
      timeout: 300,
    },
    {
      id: 'r18-32',
      c: { kind: 'resnet18', size: 32, batch: 128, microBatch: 32, warmup: 1, steps: steps(2) },
      timeout: 420,
    },
    {
      // The paper's model; micro-batches of 8 keep wasm's heap under 4 GiB (16 overflowed it).
      id: 'r50-32',
      c: {
        kind: 'resnet18',
        depth: 50,
        size: 32,
        batch: 128,
        microBatch: 8,
        warmup: 1,
        steps: steps(1),
      },
      timeout: 900,
    },
  ];
  const records: CaseRecord[] = [];
  const torchAddon = findAddon(process.env);
  const torchThreads = requestedTorchThreads(process.env);
  // wasm first (one thread, the product's wasm default), wasm with threads, then torch;
  // each in a process of its own. The first row of a case is the others' baseline.
  const processes: { variant: string; env: Record<string, string>; torch?: boolean }[] = [];
  if (args.backends.has('wasm')) {
    processes.push({ variant: 'wasm', env: { SCALENET_BACKEND: 'wasm' } });
    if (args.threads > 1) {
      processes.push({
        variant: `wasm threads=${args.threads}`,
        env: { SCALENET_BACKEND: 'wasm', SCALENET_WASM_THREADS: String(args.threads) },
      });
    }
  }
  if (args.backends.has('torch')) {
    if (torchAddon == null) {
      process.stderr.write('bench: no torch addon (npm run build:native): torch rows skipped\n');
    } else {
      processes.push({
        variant: `torch ${torchThreads} threads`,
        env: { SCALENET_BACKEND: 'torch', SCALENET_TORCH_THREADS: String(torchThreads) },
        torch: true,
      });
    }
  }
  const slowOnWasm = new Set(['r18-32', 'r50-32']);
  for (const { id, c, timeout } of cases.filter((x) => wanted(x.id))) {
    // ResNet-18/50 at 32x32 take minutes per wasm process: threads there only with --threads-32.
    const here = processes.filter(
      (p) => !(slowOnWasm.has(id) && p.variant.startsWith('wasm threads') && !args.threads32),
    );
    for (const p of here) {
      // Kernel comparisons run in the first wasm process only; the 32x32 nets are too
      // slow to time twice.
      const compare = p.variant === 'wasm' && !slowOnWasm.has(id) ? args.compare : [];
      const label = [p.variant, ...compare.map((v) => `vs ${v.name}`)].join(' ');
      process.stderr.write(`bench: ${id} ${label} ...\n`);
      // torch has no 4 GiB heap: the whole batch in one pass, as PyTorch does.
      const run: TrainCase =
        p.torch && c.kind === 'resnet18'
          ? { ...c, microBatch: c.batch, compare }
          : { ...c, compare };
      const reply = await runTrainCase(run, timeout * (1 + compare.length), p.env);
      if (!reply.ok) {
        records.push({ id, variant: p.variant, env: p.env, case: c, ...reply });
        continue;
      }
      for (const { variant, result } of reply.results) {
        const name = variant === 'current' ? p.variant : variant;
        const env = compare.find((v) => v.name === variant)?.env ?? p.env;
        records.push({ id, variant: name, env, case: c, backend: reply.backend, result });
      }
    }
  }

  const record: BenchRecord = {
    date,
    host: hostname(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    loadAverage: { start: loadStart, end: NaN },
    cases: records,
    torch: { available: false, reason: 'skipped: not asked for (--only)' },
    durationSeconds: NaN,
  };
  if (wanted('pipeline')) {
    process.stderr.write('bench: input pipeline ...\n');
    // The default config's pipeline: 2,000 embedded images, original, 1 channel, 32 per batch.
    record.pipeline = await measurePipeline({
      source: 'embedded',
      inputMode: 'original',
      channels: 1,
      perClass: 200,
      scales: [1],
      batchSize: 32,
    }).catch(errorOf);
  }
  if (wanted('simclr')) {
    process.stderr.write('bench: SimCLR step vs rotation step ...\n');
    // Same trunk, same 128 network inputs per step, interleaved (bench/simclrThroughput.ts).
    record.simclr = await chooseBackend('auto')
      .then(() => measureSimclrThroughput({ steps: steps(8) }))
      .catch(errorOf);
  }
  if (wanted('first-progress')) {
    process.stderr.write('bench: sidecar time to first progress ...\n');
    record.firstProgress = await measureFirstProgress(DEFAULT_CONFIG, {
      SCALENET_BACKEND: 'wasm',
    }).catch(errorOf);
    if (args.threads > 1 && args.backends.has('wasm')) {
      record.firstProgressThreads = await measureFirstProgress(DEFAULT_CONFIG, {
        SCALENET_BACKEND: 'wasm',
        SCALENET_WASM_THREADS: String(args.threads),
      }).catch(errorOf);
    }
    if (torchAddon != null && args.backends.has('torch')) {
      record.firstProgressTorch = await measureFirstProgress(DEFAULT_CONFIG, {
        SCALENET_BACKEND: 'torch',
      }).catch(errorOf);
    }
  }
  if (wanted('torch')) {
    process.stderr.write('bench: PyTorch reference ...\n');
    record.torch = runTorchReference({
      cases: [
        { depth: 18, size: 32 },
        { depth: 18, size: 16 },
        ...(wanted('r50-32') ? [{ depth: 50 as const, size: 32 }] : []),
      ],
      batch: 128,
      warmup: 1,
      steps: [steps(4), steps(10), steps(2)],
      threads: torchThreads,
      timeoutSeconds: 900,
    });
  }
  if (
    wanted('interleaved') &&
    args.backends.has('torch') &&
    torchAddon != null &&
    pytorchAvailable()
  ) {
    record.interleaved = [];
    for (const size of [16, 32]) {
      process.stderr.write(
        `bench: ResNet-18 ${size}x${size}, torch and PyTorch step by step ...\n`,
      );
      record.interleaved.push(
        runInterleaved(
          { depth: 18, size, rounds: steps(6), warmup: 3, timeoutSeconds: 1200 },
          { SCALENET_TORCH_THREADS: String(torchThreads) },
        ),
      );
    }
  }
  record.loadAverage.end = loadavg()[0];
  record.durationSeconds = (performance.now() - began) / 1000;

  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  // Date and minute (UTC), so that runs on the same day keep their own files.
  const stamp = record.date.slice(0, 16).replace('T', '-').replace(':', '');
  const file = join(dir, `${stamp}-${record.host}.json`);
  writeFileSync(file, JSON.stringify(record, null, 2) + '\n');
  console.log(formatTable(record));
  console.log(`wrote ${file} (${record.durationSeconds.toFixed(0)} s)`);
  if (records.some((r) => r.result == null)) process.exitCode = 1;
}

void main();
