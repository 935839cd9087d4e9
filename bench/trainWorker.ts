/**
 * One training measurement in its own process, started by train-throughput.ts. Why a
 * process per case: the wasm heap only grows, so peak heap and RSS are per case only in
 * a fresh process, and a case that exhausts the 4 GiB heap (an abort) or hangs is
 * reported as that case's failure instead of ending the whole benchmark.
 */
import { chooseBackend } from '../sidecar/backend/chooseBackend';
import { benchDefaultModel, benchResNet18, type TrainBenchResult } from './trainBench';

export type TrainCase =
  | { kind: 'default'; warmup: number; steps: number }
  | {
      kind: 'resnet18';
      size: number;
      batch: number;
      microBatch: number;
      warmup: number;
      steps: number;
    };

export type WorkerReply =
  | { ok: true; backend: string; result: TrainBenchResult }
  | { ok: false; backend?: string; error: string };

async function run(c: TrainCase): Promise<WorkerReply> {
  let backend: string | undefined;
  try {
    backend = (await chooseBackend('auto')).label;
    const result =
      c.kind === 'default'
        ? await benchDefaultModel(c.warmup, c.steps)
        : benchResNet18({
            size: c.size,
            batch: c.batch,
            microBatch: c.microBatch,
            warmup: c.warmup,
            steps: c.steps,
          });
    return { ok: true, backend, result };
  } catch (error) {
    return { ok: false, backend, error: error instanceof Error ? error.message : String(error) };
  }
}

process.once('message', (message: TrainCase) => {
  void run(message).then((reply) => {
    process.send?.(reply, () => process.exit(0));
  });
});
