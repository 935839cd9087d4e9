/**
 * No leak on the torch backend: over 100 training steps of a small ResNet-like model (the
 * project's minimizeStep: conv, batch norm, relu, pooling, dense head, L2 penalty, SGD
 * momentum) tfjs's tensor count and the addon's own count of native tensors stay flat.
 * And memory freed between steps is reused: large activations do not fault in fresh pages
 * every time (glibc mmapped every block over 32 MiB and unmapped it on free).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { torchNativeTensorCount } from '../../sidecar/backend/torch';
import { minimizeStep } from '../../sidecar/train/minimizeStep';
import { randomArray } from '../helpers/numericCheck';
import { startTorchForTest, torchSkipReason } from '../helpers/torchBackend';

const skip = torchSkipReason(startTorchForTest());

function smallModel(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 3] });
  let x = tf.layers
    .conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false })
    .apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same' })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 4 }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

describe('torch backend: no leak over 100 training steps', { skip }, () => {
  it('keeps tf.memory().numTensors and the native tensor count flat', async () => {
    await tf.setBackend('torch');
    const model = smallModel();
    const optimizer = tf.train.momentum(0.05, 0.9);
    const labels = tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32');
    const onehot = tf.oneHot(labels, 4);
    const batch = { x: randomArray(8 * 8 * 8 * 3, 7), count: 8, size: 8, channels: 3 };
    const objective = (outputs: tf.Tensor2D) => ({
      loss: tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Scalar>(onehot, outputs),
      hits: tf.sum<tf.Scalar>(tf.cast(tf.equal(tf.argMax(outputs, 1), labels), 'float32')),
    });
    const counts: { js: number; native: number }[] = [];
    const losses: number[] = [];
    for (let step = 0; step < 100; step++) {
      losses.push(minimizeStep(model, optimizer, batch, 5e-4, objective).loss);
      counts.push({ js: tf.memory().numTensors, native: torchNativeTensorCount() ?? -1 });
    }
    // After the first step (optimizer slots are created then) nothing may grow.
    const first = counts[1];
    const last = counts[99];
    console.log(
      `torch leak check: after step 2 ${JSON.stringify(first)}, after step 100 ${JSON.stringify(last)}`,
    );
    assert.deepEqual(last, first);
    assert.ok(
      first.native > 0 && first.native <= first.js,
      `native ${first.native} vs js ${first.js}`,
    );
    // And it learned: the same batch 100 times drives the loss down.
    assert.ok(losses[99] < losses[0] * 0.5, `loss ${losses[0]} -> ${losses[99]}`);
    labels.dispose();
    onehot.dispose();
    model.dispose();
    await tf.setBackend('cpu');
  });
});

/** Minor page faults of this process so far (/proc/self/stat, field 10). */
function minorFaults(): number {
  const afterName = readFileSync('/proc/self/stat', 'utf8').split(') ')[1];
  return Number(afterName.split(' ')[7]);
}

describe(
  'torch backend: large blocks are reused',
  { skip: skip ?? process.platform !== 'linux' },
  () => {
    it('faults in a 48 MiB result once, not on every step', async () => {
      await tf.setBackend('torch');
      // 48 MiB: above glibc's largest dynamic mmap threshold (32 MiB).
      const x = tf.randomNormal([128, 32, 32, 96]);
      const pages = (128 * 32 * 32 * 96 * 4) / 4096;
      const faultsOfStep = (): number => {
        const before = minorFaults();
        // Summed natively: reading 48 MiB into JS would fault in a fresh V8 buffer each time.
        tf.tidy(() => tf.sum(tf.relu(x)).dataSync());
        return minorFaults() - before;
      };
      // The first few steps grow the heap (and the previous test's blocks are reshuffled).
      for (let i = 0; i < 6; i++) faultsOfStep();
      const faults = Array.from({ length: 6 }, faultsOfStep);
      console.log(
        `torch large blocks: ${JSON.stringify(faults)} minor faults per step, ${pages} pages`,
      );
      // Before: each step faulted in the whole result again (12,289 pages every step). Now
      // at most one more block joins the heap now and then (when a free comes late).
      const total = faults.reduce((a, b) => a + b, 0);
      assert.ok(total < 2 * pages, `${total} minor faults in 6 steps`);
      x.dispose();
      await tf.setBackend('cpu');
    });
  },
);
