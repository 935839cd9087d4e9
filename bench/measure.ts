/**
 * Small timing and memory helpers shared by the benchmark parts.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';

export interface StepTiming {
  /** Seconds of each timed step (warm-up excluded), in run order. */
  seconds: number[];
  warmup: number;
  medianSeconds: number;
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Times `step` under each variant (a function that switches to it, e.g. a kernel set),
 * interleaved step by step so that load from other processes hits every variant alike;
 * the variant that goes first rotates each round. Warm-up steps are not timed: the first
 * ones pay for kernel set-up, heap growth and XNNPACK operator caches.
 */
export function timeVariants(
  step: (index: number) => void,
  variants: (() => void)[],
  warmup: number,
  steps: number,
): StepTiming[] {
  const seconds = variants.map((): number[] => []);
  let index = 0;
  for (let round = 0; round < warmup + steps; round++) {
    for (let k = 0; k < variants.length; k++) {
      const v = (round + k) % variants.length;
      variants[v]();
      const t = performance.now();
      step(index++);
      if (round >= warmup) seconds[v].push((performance.now() - t) / 1000);
    }
  }
  return seconds.map((s) => ({ seconds: s, warmup, medianSeconds: median(s) }));
}

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMiB(): number {
  // maxRSS is in kilobytes on Linux.
  return process.resourceUsage().maxRSS / 1024;
}

/**
 * Size of the wasm backend's linear memory in MiB. It only ever grows, so this is the
 * peak heap of the process so far; undefined on other backends.
 */
export function wasmHeapMiB(): number | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  // The Emscripten module's heap view; its typings are not part of the package.
  const wasm = (tf.backend() as BackendWasm).wasm as unknown as { HEAPU8: Uint8Array };
  return wasm.HEAPU8.buffer.byteLength / 2 ** 20;
}
