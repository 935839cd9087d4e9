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
 * Runs `step` warm-up + timed times. Warm-up steps are not timed: the first ones pay for
 * kernel set-up, heap growth and XNNPACK operator caches.
 */
export function timeSteps(
  step: (index: number) => void,
  warmup: number,
  steps: number,
): StepTiming {
  for (let i = 0; i < warmup; i++) step(i);
  const seconds: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t = performance.now();
    step(warmup + i);
    seconds.push((performance.now() - t) / 1000);
  }
  return { seconds, warmup, medianSeconds: median(seconds) };
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
