/**
 * `npm run bench`: training throughput on the backend in use (chooseBackend('auto')), the
 * input pipeline, the sidecar's time to first progress, and PyTorch as the reference
 * when installed. Writes bench/results/<date>-<time>-<host>.json and prints a short table.
 *
 *   --only default,r18-16,r18-32,pipeline,simclr,first-progress,torch   run a subset
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
import { measureFirstProgress } from './firstProgress';
import { measurePipeline } from './pipeline';
import { formatTable, type BenchRecord, type CaseRecord } from './report';
import { runTrainCase } from './runWorker';
import { measureSimclrThroughput } from './simclrThroughput';
import { runTorchReference } from './torchReference';
import type { TrainCase } from './trainWorker';
import { DEFAULT_CONFIG } from './trainBench';

interface Args {
  only?: Set<string>;
  compare: { name: string; env: Record<string, string> }[];
  stepsScale: number;
  threads: number;
  threads32: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { compare: [], stepsScale: 1, threads: 2, threads32: false };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1] ?? '';
    if (argv[i] === '--only') args.only = new Set(value.split(','));
    else if (argv[i] === '--steps-scale') args.stepsScale = Number(value);
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
  ];
  const records: CaseRecord[] = [];
  // The product's default (one thread), then threads, which need a process of their own.
  const processes: { variant: string; env: Record<string, string> }[] = [
    { variant: 'current', env: {} },
  ];
  if (args.threads > 1) {
    processes.push({
      variant: `threads=${args.threads}`,
      env: { SCALENET_WASM_THREADS: String(args.threads) },
    });
  }
  for (const { id, c, timeout } of cases.filter((x) => wanted(x.id))) {
    // ResNet-18 at 32x32 takes minutes per process: threads there only with --threads-32.
    for (const p of id === 'r18-32' && !args.threads32 ? processes.slice(0, 1) : processes) {
      // Kernel comparisons run in the default process only; ResNet-18 at 32x32 is too
      // slow to time twice.
      const compare = p.variant === 'current' && id !== 'r18-32' ? args.compare : [];
      const label = [p.variant, ...compare.map((v) => `vs ${v.name}`)].join(' ');
      process.stderr.write(`bench: ${id} ${label} ...\n`);
      const reply = await runTrainCase({ ...c, compare }, timeout * (1 + compare.length), p.env);
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
    record.firstProgress = await measureFirstProgress(DEFAULT_CONFIG).catch(errorOf);
    if (args.threads > 1) {
      record.firstProgressThreads = await measureFirstProgress(DEFAULT_CONFIG, {
        SCALENET_WASM_THREADS: String(args.threads),
      }).catch(errorOf);
    }
  }
  if (wanted('torch')) {
    process.stderr.write('bench: PyTorch reference ...\n');
    record.torch = runTorchReference({
      sizes: [32, 16],
      batch: 128,
      warmup: 1,
      steps: [steps(4), steps(10)],
      timeoutSeconds: 300,
    });
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
