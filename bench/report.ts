/**
 * The benchmark's JSON record and its short table.
 */
import type { FirstProgressResult } from './firstProgress';
import type { PipelineBenchResult } from './pipeline';
import { medianRate, type InterleavedResult } from './torchInterleaved';
import type { TorchReference } from './torchReference';
import type { TrainBenchResult } from './trainBench';
import type { TrainCase } from './trainWorker';
import type { SimclrThroughputResult } from './simclrThroughput';

export interface CaseRecord {
  id: string;
  /** Which set of project kernels ran: "current", or another timed in the same process. */
  variant: string;
  env: Record<string, string>;
  case: TrainCase;
  backend?: string;
  result?: TrainBenchResult;
  error?: string;
}

export interface BenchRecord {
  date: string;
  host: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string };
  /** 1-minute load average before and after: other processes skew the figures. */
  loadAverage: { start: number; end: number };
  cases: CaseRecord[];
  pipeline?: PipelineBenchResult | { error: string };
  /** SimCLR's step next to the rotation step on the same trunk and inputs. */
  simclr?: SimclrThroughputResult | { error: string };
  firstProgress?: FirstProgressResult | { error: string };
  /** The same with SCALENET_WASM_THREADS (threads cost start-up time). */
  firstProgressThreads?: FirstProgressResult | { error: string };
  /** The same on the torch backend (SCALENET_BACKEND=torch). */
  firstProgressTorch?: FirstProgressResult | { error: string };
  torch: TorchReference;
  /** ResNet-18 on torch and PyTorch, step by step in turn (the fair ratio). */
  interleaved?: (InterleavedResult | { error: string })[];
  durationSeconds: number;
}

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const num = (v: number | undefined, digits = 1): string =>
  v == null || !Number.isFinite(v) ? '-' : v.toFixed(digits);

export function torchFor(record: BenchRecord, size: number, depth = 18): number | undefined {
  if (!record.torch.available) return undefined;
  return record.torch.results.find((r) => r.size === size && (r.depth ?? 18) === depth)
    ?.imagesPerSecond;
}

/** This row's speed over the first row of the same case (> 1: this variant is faster). */
function speedup(record: BenchRecord, c: CaseRecord): number | undefined {
  const first = record.cases.find((o) => o.id === c.id);
  if (first === c || c.result == null) return undefined;
  return first?.result ? c.result.imagesPerSecond / first.result.imagesPerSecond : undefined;
}

export function caseRow(record: BenchRecord, c: CaseRecord): string[] {
  const depth = c.case.kind === 'resnet18' ? (c.case.depth ?? 18) : 18;
  const name =
    c.case.kind === 'default' ? 'default model (rotation)' : `ResNet-${depth} CIFAR stem`;
  const variant = ` [${c.variant}]`;
  if (c.result == null) return [name + variant, 'FAILED: ' + (c.error ?? '?')];
  const r = c.result;
  const gain = speedup(record, c);
  const torch = c.case.kind === 'resnet18' ? torchFor(record, r.inputSize, depth) : undefined;
  const micro =
    r.microBatch < r.batch
      ? `${r.batch} (${r.batch / r.microBatch}x${r.microBatch} acc.)`
      : `${r.batch}`;
  return [
    name + variant,
    `${r.inputSize}x${r.inputSize}`,
    micro,
    `${r.timing.warmup}+${r.timing.seconds.length}`,
    num(r.imagesPerSecond),
    num(torch),
    torch ? num(r.imagesPerSecond / torch, 3) : '-',
    num(r.wasmHeapMiB, 0),
    num(r.peakRssMiB, 0),
    gain == null ? '' : `${num(gain, 2)}x the first row`,
  ];
}

export function formatTable(record: BenchRecord): string {
  const header = [
    'case',
    'input',
    'batch',
    'warm+timed',
    'img/s',
    'PyTorch img/s',
    'x PyTorch',
    'heap MiB',
    'RSS MiB',
    '',
  ];
  const rows = [header, ...record.cases.map((c) => caseRow(record, c))];
  const widths = header.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)) + 2);
  const lines = rows.map((r) =>
    r
      .map((cell, i) => pad(cell, widths[i]))
      .join('')
      .trimEnd(),
  );
  lines.splice(1, 0, '-'.repeat(widths.reduce((a, b) => a + b, 0)));
  const backends = [...new Set(record.cases.map((c) => `${c.variant}: ${c.backend ?? '?'}`))];
  const out = [
    `${record.date} ${record.host}: ${record.machine.cpus} x ${record.machine.cpuModel}, node ${record.machine.node}, load ${num(record.loadAverage.start, 2)} -> ${num(record.loadAverage.end, 2)}`,
    `backends: ${backends.join('; ')}`,
    `img/s = network inputs (4 rotations per image) per second, median of the timed steps; a row's last column compares it with the first (wasm) row of its case`,
    ...lines,
  ];
  const p = record.pipeline;
  if (p && !('error' in p)) {
    const training = record.cases.find((c) => c.id === 'default');
    const trainRate = training?.result?.imagesPerSecond ?? NaN;
    out.push(
      `input pipeline (${p.source}, ${p.inputMode}, batch of 32 images): ${num(p.samplesPerSecond, 0)} rotated samples/s ` +
        `= ${num(p.samplesPerSecond / trainRate, 0)}x the default model's training rate`,
    );
  } else if (p) out.push(`input pipeline: FAILED ${p.error}`);
  const sim = record.simclr;
  if (sim && !('error' in sim)) {
    out.push(
      `SimCLR vs rotation step (${sim.inputSize}px, ${sim.inputsPerStep} inputs/step): ` +
        `${num(sim.simclr.inputsPerSecond)} vs ${num(sim.rotation.inputsPerSecond)} inputs/s ` +
        `(ratio ${num(sim.ratio, 2)}); per source image ${num(sim.simclr.imagesPerSecond)} vs ${num(sim.rotation.imagesPerSecond)}`,
    );
  } else if (sim) out.push(`SimCLR throughput: FAILED ${sim.error}`);
  for (const [f, what] of [
    [record.firstProgress, ''],
    [record.firstProgressThreads, ' with threads'],
    [record.firstProgressTorch, ' on torch'],
  ] as const) {
    if (f && !('error' in f)) {
      out.push(
        `sidecar${what}, default config: run/start -> first run/progress ${num(f.startToFirstProgressMs, 0)} ms, ` +
          `-> first training step ${num(f.startToFirstStepMs, 0)} ms (fork -> initialize ${num(f.spawnToInitializeMs, 0)} ms; ${f.backend})`,
      );
    } else if (f) out.push(`sidecar first progress${what}: FAILED ${f.error}`);
  }
  out.push(
    record.torch.available
      ? `torch reference: ${record.torch.results[0]?.torch ?? '?'} via ${record.torch.python}, ${record.torch.results[0]?.threads ?? '?'} threads, SGD momentum, same net and batch`
      : `torch reference ${record.torch.reason}`,
  );
  out.push(...interleavedLines(record));
  return out.join('\n');
}

function interleavedLines(record: BenchRecord): string[] {
  const out: string[] = [];
  for (const r of record.interleaved ?? []) {
    if ('error' in r) {
      out.push(`torch vs PyTorch step by step: FAILED ${r.error}`);
      continue;
    }
    const torch = medianRate(r.seconds.torch, r.batch);
    const plain = medianRate(r.seconds.pytorch, r.batch);
    const tuned = medianRate(r.seconds.pytorchHeapSettings, r.batch);
    out.push(
      `ResNet-${r.depth} ${r.size}x${r.size} step by step (${r.seconds.torch.length} rounds after ${r.warmup}, ${r.threads} threads): ` +
        `torch ${num(torch)} img/s, PyTorch ${num(plain)} (x ${num(torch / plain, 2)}), ` +
        `PyTorch with the backend's heap settings ${num(tuned)} (x ${num(torch / tuned, 2)})`,
    );
  }
  return out;
}
