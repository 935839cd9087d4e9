/**
 * One training measurement in its own process, started by train-throughput.ts. Why a
 * process per case: the wasm heap only grows, so peak heap and RSS are per case only in
 * a fresh process, and a case that exhausts the 4 GiB heap (an abort) or hangs is
 * reported as that case's failure instead of ending the whole benchmark.
 */
import { chooseBackend } from '../sidecar/backend/chooseBackend';
import { registerWasmTrainingKernels } from '../sidecar/backend/wasmKernels';
import {
  benchDefaultModel,
  benchResNet18,
  type TrainBenchResult,
  type Variant,
} from './trainBench';

/** Another kernel set to time against the current one, step by step in the same process. */
export interface CompareWith {
  name: string;
  env: Record<string, string>;
}

export type TrainCase = (
  | { kind: 'default'; warmup: number; steps: number }
  | {
      kind: 'resnet18';
      /** 50: ResNet-50 (bottlenecks); absent: ResNet-18. */
      depth?: 18 | 50;
      size: number;
      batch: number;
      microBatch: number;
      warmup: number;
      steps: number;
    }
) & { compare?: CompareWith[] };

export type WorkerReply =
  | { ok: true; backend: string; results: { variant: string; result: TrainBenchResult }[] }
  | { ok: false; backend?: string; error: string };

async function run(c: TrainCase): Promise<WorkerReply> {
  let backend: string | undefined;
  try {
    const report = await chooseBackend('auto');
    backend = report.label;
    // Kernel sets can only be switched on wasm; elsewhere the comparison is skipped.
    const compare = report.name === 'wasm' ? (c.compare ?? []) : [];
    const names = ['current', ...compare.map((v) => v.name)];
    const variants: Variant[] = [
      () => registerWasmTrainingKernels(process.env),
      ...compare.map((v) => () => registerWasmTrainingKernels({ ...process.env, ...v.env })),
    ];
    if (compare.length === 0) variants.splice(0, 1, () => undefined);
    const results =
      c.kind === 'default'
        ? await benchDefaultModel(c.warmup, c.steps, variants)
        : benchResNet18(
            {
              depth: c.depth,
              size: c.size,
              batch: c.batch,
              microBatch: c.microBatch,
              warmup: c.warmup,
              steps: c.steps,
            },
            variants,
          );
    return {
      ok: true,
      backend,
      results: results.map((result, i) => ({ variant: names[i], result })),
    };
  } catch (error) {
    return { ok: false, backend, error: error instanceof Error ? error.message : String(error) };
  }
}

process.once('message', (message: TrainCase) => {
  void run(message).then((reply) => {
    process.send?.(reply, () => process.exit(0));
  });
});
