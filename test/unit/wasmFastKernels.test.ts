/**
 * The project's faster wasm replacements (sidecar/backend/wasmKernels: batch-norm
 * gradient, reductions, ...) against the pure-JS `cpu` backend, which keeps tfjs's own
 * implementations, and the SCALENET_WASM_KERNELS switch.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../sidecar/backend/chooseBackend';
import { selectedKernels } from '../../sidecar/backend/wasmKernels';
import { planLeadingReduction } from '../../sidecar/backend/wasmKernels/reduceLeading';
import { DiffTracker, randomArray } from '../helpers/numericCheck';

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
const read = (t: tf.Tensor): Float32Array => (t.dataSync() as Float32Array).slice();

/** On both backends; the result only as plain arrays. */
async function onBoth<T>(f: () => T): Promise<{ cpu: T; wasm: T }> {
  await tf.setBackend('cpu');
  const cpu = f();
  await tf.setBackend('wasm');
  const wasm = f();
  return { cpu, wasm };
}

interface BnCase {
  name: string;
  shape: number[];
  /** 'batch': mean and variance from tf.moments, as tfjs-layers trains; 'given': inputs. */
  stats: 'batch' | 'given';
}

const BN_CASES: BnCase[] = [
  { name: 'training-mode stats, 2x5x7x3', shape: [2, 5, 7, 3], stats: 'batch' },
  { name: 'training-mode stats, 3x4x4x16', shape: [3, 4, 4, 16], stats: 'batch' },
  { name: 'given mean/variance, 2x6x5x8', shape: [2, 6, 5, 8], stats: 'given' },
  // (No case without scale: tfjs-core cannot save the missing input for backprop, with
  // its own gradient as with ours.)
  { name: 'batch of 1, 1x3x3x4', shape: [1, 3, 3, 4], stats: 'given' },
  { name: 'rank 2 input, 6x5', shape: [6, 5], stats: 'batch' },
];

/** Gradients of sum(batchNorm(...) * w) w.r.t. every input that has one. */
function bnGrads(c: BnCase, seed: number): Float32Array[] {
  return tf.tidy(() => {
    const channels = c.shape[c.shape.length - 1];
    // An offset from zero and a spread unlike 1, as conv outputs have.
    const x = tf.add(tf.mul(tf.tensor(randomArray(size(c.shape), seed), c.shape), 3), 0.5);
    const w = tf.tensor(randomArray(size(c.shape), seed + 1), c.shape);
    const vec = (s: number, lo: number) =>
      tf.add(tf.abs(tf.tensor1d(randomArray(channels, s))), lo);
    const scale = vec(seed + 2, 0.5);
    const offset = tf.tensor1d(randomArray(channels, seed + 3));
    const givenMean = tf.tensor1d(randomArray(channels, seed + 4));
    const givenVar = vec(seed + 5, 0.2);
    const axes = Array.from({ length: c.shape.length - 1 }, (_, i) => i);
    const inputs = [x, scale, offset];
    if (c.stats === 'given') inputs.push(givenMean, givenVar);
    const loss = (...args: tf.Tensor[]): tf.Scalar => {
      const [xa, sa, oa] = args;
      const [mean, variance] =
        c.stats === 'given' ? args.slice(3) : ((m) => [m.mean, m.variance])(tf.moments(xa, axes));
      const y = tf.batchNorm(xa, mean, variance, oa, sa, 1e-3);
      return tf.sum(tf.mul(y, w));
    };
    return tf.grads(loss)(inputs).map(read);
  });
}

void describe('faster wasm kernels vs cpu', () => {
  const diffs = new DiffTracker();
  before(async () => {
    assert.equal((await chooseBackend('wasm', {})).name, 'wasm');
  });
  after(() => console.log(diffs.summary('faster wasm kernels vs cpu')));

  BN_CASES.forEach((c, index) => {
    void it(`FusedBatchNorm gradient: ${c.name}`, async () => {
      const { cpu, wasm } = await onBoth(() => bnGrads(c, 500 + 11 * index));
      assert.equal(wasm.length, cpu.length);
      wasm.forEach((g, i) => diffs.check(`input ${i}`, g, cpu[i]));
    });
  });

  const REDUCE_CASES: { shape: number[]; axes: number[]; keepDims: boolean }[] = [
    { shape: [4, 5, 6, 3], axes: [0, 1, 2], keepDims: false },
    { shape: [4, 5, 6, 3], axes: [0, 1, 2], keepDims: true },
    { shape: [4, 5, 6, 3], axes: [2, 0, 1], keepDims: false },
    { shape: [4, 5, 6, 3], axes: [-4, -3], keepDims: false },
    { shape: [7, 5], axes: [0], keepDims: false },
    { shape: [3, 1, 1, 9], axes: [0, 1, 2], keepDims: true },
    // Two stages (64 runs of 1,024) with values that do not cancel.
    { shape: [64, 32, 32, 8], axes: [0, 1, 2], keepDims: false },
    // Not leading: the built-in kernel, which must still be what runs.
    { shape: [4, 5, 6, 3], axes: [1, 2], keepDims: false },
    { shape: [4, 5, 6, 3], axes: [0, 1, 2, 3], keepDims: false },
  ];
  REDUCE_CASES.forEach((c, index) => {
    void it(`Sum and Mean over axes ${c.axes.join(',')} of ${c.shape.join('x')}${c.keepDims ? ' (keepDims)' : ''}`, async () => {
      const { cpu, wasm } = await onBoth(() =>
        tf.tidy(() => {
          const x = tf.add(tf.tensor(randomArray(size(c.shape), 900 + index), c.shape), 0.25);
          const s = tf.sum(x, c.axes, c.keepDims);
          const m = tf.mean(x, c.axes, c.keepDims);
          return { shapes: [s.shape, m.shape], values: [read(s), read(m)] };
        }),
      );
      assert.deepEqual(wasm.shapes, cpu.shapes);
      diffs.check('sum', wasm.values[0], cpu.values[0]);
      diffs.check('mean', wasm.values[1], cpu.values[1]);
    });
  });

  void it('leading reductions run as average pooling on wasm, others do not', async () => {
    await tf.setBackend('wasm');
    const builtin = tf.getKernel('AvgPool', 'wasm');
    let pools = 0;
    tf.unregisterKernel('AvgPool', 'wasm');
    tf.registerKernel({
      ...builtin,
      kernelFunc: (args) => {
        pools++;
        return builtin.kernelFunc(args);
      },
    });
    try {
      const x = tf.ones([300, 4, 4, 3]);
      tf.dispose([tf.sum(x, [0, 1, 2]), tf.mean(x, [0, 1, 2])]);
      assert.equal(pools, 4, 'two stages each (runs of 16, then 300)');
      tf.dispose([tf.sum(x, [1, 2]), tf.sum(x)]);
      assert.equal(pools, 4);
      x.dispose();
    } finally {
      tf.unregisterKernel('AvgPool', 'wasm');
      tf.registerKernel(builtin);
    }
  });

  void it('int32 sums and gradients through mean still work', async () => {
    const { cpu, wasm } = await onBoth(() =>
      tf.tidy(() => {
        const ints = tf.sum(tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2], 'int32'), [0, 1]);
        const x = tf.tensor(randomArray(2 * 3 * 3 * 4, 77), [2, 3, 3, 4]);
        const g = tf.grad((a: tf.Tensor) => tf.sum(tf.square(tf.mean(a, [0, 1, 2]))))(x);
        return { ints: Float32Array.from(ints.dataSync()), g: read(g) };
      }),
    );
    assert.deepEqual([...wasm.ints], [16, 20]);
    diffs.check('int sum', wasm.ints, cpu.ints);
    diffs.check('mean gradient', wasm.g, cpu.g);
  });

  void it('wasm uses the tile-free gradient and frees what it makes', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([4, 6, 6, 8]);
    const scale = tf.ones([8]);
    const offset = tf.zeros([8]);
    const step = () =>
      tf.dispose(
        tf.grads((a: tf.Tensor, s: tf.Tensor, o: tf.Tensor) => {
          const m = tf.moments(a, [0, 1, 2]);
          return tf.sum(tf.square(tf.batchNorm(a, m.mean, m.variance, o, s, 1e-3)));
        })([x, scale, offset]),
      );
    step();
    const tensors = tf.memory().numTensors;
    const profile = await tf.profile(step);
    assert.equal(tf.memory().numTensors, tensors);
    const names = new Set(profile.kernels.map((k) => k.name));
    assert.ok(!names.has('Tile'), `kernels: ${[...names].join(', ')}`);
    tf.dispose([x, scale, offset]);
  });
});

void describe('planLeadingReduction', () => {
  void it('splits N,H,W into runs of H*W and N; refuses what it cannot pool', () => {
    assert.deepEqual(planLeadingReduction([128, 16, 16, 64], [0, 1, 2]), {
      reduced: 128 * 256,
      kept: 64,
      q: 256,
      p: 128,
      axes: 3,
    });
    assert.deepEqual(planLeadingReduction([128, 32, 32, 64], [0, 1, 2])?.q, 1024);
    assert.deepEqual(planLeadingReduction([128, 64, 64, 3], [0, 1, 2])?.q, 4096);
    assert.equal(planLeadingReduction([5, 1, 1, 3], [0, 1, 2])?.q, 5);
    assert.equal(planLeadingReduction([4, 5, 6], [1, 2]), null);
    assert.equal(planLeadingReduction([4, 5, 6], [0, 1, 2]), null);
    assert.equal(planLeadingReduction([1, 1, 6], [0, 1]), null);
  });
});

void describe('SCALENET_WASM_KERNELS', () => {
  void it('selects all, none, or all but the named ones; rejects unknown names', () => {
    const all = selectedKernels({});
    assert.ok(all.has('bnGrad') && all.has('dx') && all.has('reduce'));
    assert.deepEqual(selectedKernels({ SCALENET_WASM_KERNELS: 'all' }), all);
    assert.equal(selectedKernels({ SCALENET_WASM_KERNELS: 'baseline' }).size, 0);
    const some = selectedKernels({ SCALENET_WASM_KERNELS: '-bnGrad' });
    assert.ok(!some.has('bnGrad') && some.has('dx'));
    assert.throws(() => selectedKernels({ SCALENET_WASM_KERNELS: '-nope' }), /'-nope'/);
    assert.throws(() => selectedKernels({ SCALENET_WASM_KERNELS: 'bnGrad' }), /'bnGrad'/);
  });

  void it('baseline restores tfjs-core gradient and kernels; all installs them again', async () => {
    await chooseBackend('wasm', { SCALENET_WASM_KERNELS: 'baseline' });
    const profileOnWasm = async () => {
      const x = tf.randomNormal([2, 3, 3, 4]);
      const scale = tf.ones([4]);
      const offset = tf.zeros([4]);
      const profile = await tf.profile(() =>
        tf.dispose(
          tf.grad((a: tf.Tensor) => {
            const m = tf.moments(a, [0, 1, 2]);
            return tf.sum(tf.square(tf.batchNorm(a, m.mean, m.variance, offset, scale)));
          })(x),
        ),
      );
      tf.dispose([x, scale, offset]);
      return new Set(profile.kernels.map((k) => k.name));
    };
    assert.ok((await profileOnWasm()).has('Tile'));
    await chooseBackend('wasm', {});
    assert.ok(!(await profileOnWasm()).has('Tile'));
  });
});
