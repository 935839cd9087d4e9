/**
 * Run as a child process by test/unit/wasmThreads.test.ts: the wasm backend starts once
 * per process, so the threaded start needs a process of its own. Starts wasm with
 * SCALENET_WASM_THREADS from the environment, computes conv and batch-norm gradients on
 * wasm and on cpu, and prints one JSON line: { label, threads, maxDiff }.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { chooseBackend } from '../../sidecar/backend/chooseBackend';
import { maxAbsDiff, randomArray } from './numericCheck';

function grads(seed: number): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor4d(randomArray(4 * 12 * 12 * 8, seed), [4, 12, 12, 8]);
    const w = tf.tensor4d(randomArray(3 * 3 * 8 * 16, seed + 1), [3, 3, 8, 16]);
    const scale = tf.add(tf.abs(tf.tensor1d(randomArray(16, seed + 2))), 0.5);
    const offset = tf.tensor1d(randomArray(16, seed + 3));
    const f = (a: tf.Tensor, b: tf.Tensor, s: tf.Tensor, o: tf.Tensor): tf.Scalar => {
      const y = tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same');
      const m = tf.moments(y, [0, 1, 2]);
      return tf.sum(tf.square(tf.relu(tf.batchNorm(y, m.mean, m.variance, o, s, 1e-3))));
    };
    return tf
      .grads(f)([x, w, scale, offset])
      .map((g) => (g.dataSync() as Float32Array).slice());
  });
}

void (async () => {
  const report = await chooseBackend('wasm');
  const wasm = grads(7);
  await tf.setBackend('cpu');
  const cpu = grads(7);
  const maxDiff = Math.max(...wasm.map((g, i) => maxAbsDiff(g, cpu[i])));
  console.log(JSON.stringify({ label: report.label, threads: getThreadsCount(), maxDiff }));
  // Emscripten's pthread workers can keep the event loop alive: the sidecar exits explicitly too.
  process.exit(0);
})();
