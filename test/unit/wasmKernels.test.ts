/**
 * The project's wasm training kernels against the pure-JS `cpu` backend (the numerical
 * oracle), and the backend chooser. Tensors are always created on the backend under test:
 * data crosses between backends only as plain arrays.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { chooseBackend } from '../../sidecar/backend/chooseBackend';
import { maxAbs, maxAbsDiff, randomArray } from '../helpers/numericCheck';

/** 'same' | 'valid' | a number | explicit [[0,0],[t,b],[l,r],[0,0]], as tf.conv2d takes it. */
type Pad = Parameters<typeof tf.conv2d>[3];
type Shape4 = [number, number, number, number];

interface Case {
  name: string;
  xShape: Shape4;
  filterShape: Shape4;
  strides: [number, number];
  pad: Pad;
}

function buildCases(): Case[] {
  const cases: Case[] = [];
  const shapes: { xShape: Shape4; cout: number }[] = [
    { xShape: [2, 9, 13, 3], cout: 4 },
    { xShape: [3, 12, 10, 5], cout: 6 },
  ];
  for (const { xShape, cout } of shapes) {
    for (const k of [1, 3, 7]) {
      for (const s of [1, 2]) {
        for (const pad of ['same', 'valid'] as const) {
          cases.push({
            name: `x${xShape.join('x')} k${k} s${s} ${pad}`,
            xShape,
            filterShape: [k, k, xShape[3], cout],
            strides: [s, s],
            pad,
          });
        }
      }
    }
  }
  // Uneven shapes: kernel equal to / smaller than / not a multiple of the stride, and
  // different strides per axis.
  const extra: [Shape4, Shape4, [number, number], Pad][] = [
    [[2, 9, 13, 3], [2, 2, 3, 4], [2, 2], 'same'],
    [[2, 9, 13, 3], [3, 3, 3, 4], [2, 1], 'same'],
    [[2, 11, 8, 2], [5, 3, 2, 3], [3, 2], 'valid'],
    [[1, 16, 16, 8], [3, 3, 8, 8], [2, 2], 'same'],
    // Numeric and explicit padding; a leading pad of 2 with stride 2 takes the built-in
    // fallback for dx (the fast plan would need a negative pad).
    [[2, 9, 13, 3], [3, 3, 3, 4], [2, 2], 1],
    [
      [2, 9, 13, 3],
      [3, 3, 3, 4],
      [2, 2],
      [
        [0, 0],
        [2, 1],
        [0, 2],
        [0, 0],
      ],
    ],
  ];
  for (const [xShape, filterShape, strides, pad] of extra) {
    cases.push({
      name: `x${xShape.join('x')} k${filterShape[0]}x${filterShape[1]} s${strides.join('x')} pad ${JSON.stringify(pad)}`,
      xShape,
      filterShape,
      strides,
      pad,
    });
  }
  return cases;
}

interface Grads {
  dwKernel: Float32Array;
  dxKernel: Float32Array;
  dwGrad: Float32Array;
  dxGrad: Float32Array;
}

/** Everything one case computes, on the active backend. */
function computeGrads(c: Case, seed: number): Grads {
  return tf.tidy(() => {
    const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
    const x = tf.tensor4d(randomArray(size(c.xShape), seed), c.xShape);
    const w = tf.tensor4d(randomArray(size(c.filterShape), seed + 1), c.filterShape);
    const outShape = tf.conv2d(x, w, c.strides, c.pad).shape;
    const dy = tf.tensor4d(randomArray(size(outShape), seed + 2), outShape);
    const engine = tf.engine();
    const dwKernel = engine.runKernel<tf.Tensor>(
      'Conv2DBackpropFilter',
      { x, dy },
      {
        strides: c.strides,
        pad: c.pad,
        dataFormat: 'NHWC',
        filterShape: c.filterShape,
      },
    );
    const dxKernel = engine.runKernel<tf.Tensor>(
      'Conv2DBackpropInput',
      { dy, filter: w },
      {
        strides: c.strides,
        pad: c.pad,
        dataFormat: 'NHWC',
        inputShape: c.xShape,
      },
    );
    // A full backward pass through conv2d: loss = sum(conv2d(x, w) * dy).
    const [dxGrad, dwGrad] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad), dy)),
    )([x, w]);
    const read = (t: tf.Tensor) => t.dataSync() as Float32Array;
    return {
      dwKernel: read(dwKernel).slice(),
      dxKernel: read(dxKernel).slice(),
      dwGrad: read(dwGrad).slice(),
      dxGrad: read(dxGrad).slice(),
    };
  });
}

void describe('wasm training kernels vs cpu', () => {
  let observed = 0;
  let compared = 0;

  before(async () => {
    const report = await chooseBackend('wasm', {});
    assert.equal(report.name, 'wasm');
  });

  after(() => {
    console.log(
      `wasm kernels vs cpu: max abs diff = ${observed.toExponential(2)} over ${compared} cases`,
    );
  });

  const cases = buildCases();
  cases.forEach((c, index) => {
    void it(c.name, async () => {
      const seed = 1000 + index * 7;
      await tf.setBackend('cpu');
      const expected = computeGrads(c, seed);
      await tf.setBackend('wasm');
      const actual = computeGrads(c, seed);
      for (const key of ['dwKernel', 'dxKernel', 'dwGrad', 'dxGrad'] as const) {
        const diff = maxAbsDiff(actual[key], expected[key]);
        const scale = Math.max(1, maxAbs(expected[key]));
        observed = Math.max(observed, diff);
        compared++;
        assert.ok(diff < 1e-3 * scale, `${key}: max abs diff ${diff} (scale ${scale})`);
      }
    });
  });

  void it('frees every intermediate: no engine tensors and no wasm buffers leak', async () => {
    await tf.setBackend('wasm');
    const wasm = tf.backend() as BackendWasm;
    const x = tf.randomNormal<tf.Rank.R4>([2, 9, 13, 4]);
    const w = tf.randomNormal<tf.Rank.R4>([3, 3, 4, 5]);
    const step = () => {
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'))),
      )([x, w]);
      tf.dispose(grads);
    };
    step(); // warm-up: first calls may allocate kernel state
    const tensors = tf.memory().numTensors;
    const buffers = wasm.numDataIds();
    step();
    step();
    assert.equal(tf.memory().numTensors, tensors);
    assert.equal(wasm.numDataIds(), buffers);
    tf.dispose([x, w]);
  });
});

/**
 * A stand-in for tfjs-node-gpu where the extension's "Install GPU Backend" command puts it
 * (`$SCALENET_TFJS_NODE_GPU_DIR/node_modules/@tensorflow/tfjs-node-gpu`).
 */
function fakeTfjsNodeGpu(indexJs: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'scalenet-gpu-'));
  const pkg = join(dir, 'node_modules', '@tensorflow', 'tfjs-node-gpu');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({ name: '@tensorflow/tfjs-node-gpu', main: 'index.js' }),
  );
  writeFileSync(join(pkg, 'index.js'), indexJs);
  return dir;
}

/** These cases are about the machine without the torch addon (torchChooser.test.ts has it). */
const NO_TORCH = { SCALENET_TORCH_ADDON: '/nonexistent/scalenet_torch.node' };

void describe('chooseBackend', () => {
  const fakes: string[] = [];
  after(() => {
    for (const dir of fakes) rmSync(dir, { recursive: true, force: true });
  });
  void it('auto without the torch addon: picks wasm and says why tfjs-node-gpu was not used', async () => {
    const report = await chooseBackend('auto', NO_TORCH);
    assert.equal(report.name, 'wasm');
    assert.equal(report.forced, false);
    assert.match(report.label, /WebAssembly .*project training kernels/);
    assert.equal(tf.getBackend(), 'wasm');
    const tensorflow = report.rejected.find((r) => r.backend === 'tensorflow');
    assert.ok(tensorflow, 'tensorflow is listed as rejected');
    assert.match(tensorflow.reason, /not installed/);
    assert.match(tensorflow.reason, /npm i @tensorflow\/tfjs-node-gpu/);
    assert.match(report.rejected[0].reason, /SCALENET_TORCH_ADDON=.* does not exist/);
  });

  void it('SCALENET_BACKEND=cpu forces the cpu backend', async () => {
    const report = await chooseBackend('auto', { SCALENET_BACKEND: 'cpu' });
    assert.deepEqual(report, {
      name: 'cpu',
      label: 'pure JavaScript (very slow: fallback only)',
      rejected: [],
      forced: true,
    });
    assert.equal(tf.getBackend(), 'cpu');
  });

  void it('an explicit preference wins over SCALENET_BACKEND', async () => {
    const report = await chooseBackend('wasm', { SCALENET_BACKEND: 'cpu' });
    assert.equal(report.name, 'wasm');
    assert.equal(report.forced, true);
    assert.equal(tf.getBackend(), 'wasm');
  });

  void it('forcing tensorflow throws with the reason', async () => {
    await assert.rejects(chooseBackend('tensorflow', {}), (error: Error) => {
      assert.match(error.message, /'tensorflow' compute backend .* cannot be used/);
      assert.match(error.message, /not installed \(npm i @tensorflow\/tfjs-node-gpu/);
      return true;
    });
    await assert.rejects(
      chooseBackend('auto', { SCALENET_BACKEND: 'tensorflow' }),
      /not installed/,
    );
  });

  void it('rejects a misspelt SCALENET_BACKEND', async () => {
    await assert.rejects(
      chooseBackend('auto', { SCALENET_BACKEND: 'gpu' }),
      /SCALENET_BACKEND=gpu/,
    );
  });

  void it('a tfjs-node-gpu that cannot find CUDA 11 libraries: falls back, says what to install', async () => {
    const dir = fakeTfjsNodeGpu(
      "throw new Error('libcudart.so.11.0: cannot open shared object file: No such file or directory');",
    );
    fakes.push(dir);
    const report = await chooseBackend('auto', { ...NO_TORCH, SCALENET_TFJS_NODE_GPU_DIR: dir });
    assert.equal(report.name, 'wasm');
    const reason = report.rejected.find((r) => r.backend === 'tensorflow')?.reason ?? '';
    assert.match(reason, /failed to load: libcudart\.so\.11\.0: cannot open shared object file/);
    assert.match(reason, /CUDA 11\.2 and cuDNN 8\.1/);
    assert.match(reason, /CUDA 12 alone does not work/);
  });

  void it('a tfjs-node-gpu from SCALENET_TFJS_NODE_GPU_DIR registers into the same engine', async () => {
    // What the real package does on require: register a 'tensorflow' backend. It finds the
    // engine through globalThis (tfjs-core's global_util), as a separately installed copy would.
    const dir = fakeTfjsNodeGpu(`
      const engine = globalThis._tfengine;
      const Cpu = engine.findBackend('cpu').constructor;
      class FakeNodeBackend extends Cpu {
        constructor() { super(); this.isUsingGpuDevice = false; }
      }
      engine.registerBackend('tensorflow', () => new FakeNodeBackend(), 3);
    `);
    fakes.push(dir);
    try {
      const report = await chooseBackend('auto', { ...NO_TORCH, SCALENET_TFJS_NODE_GPU_DIR: dir });
      // torch comes first in the order: without its addon it is the one rejection.
      assert.deepEqual(
        report.rejected.map((r) => r.backend),
        ['torch'],
      );
      assert.deepEqual(report, {
        name: 'tensorflow',
        label: 'tfjs-node-gpu (libtensorflow on CPU: no CUDA GPU found)',
        rejected: report.rejected,
        forced: false,
      });
      assert.equal(tf.getBackend(), 'tensorflow');
    } finally {
      tf.removeBackend('tensorflow');
      await tf.setBackend('wasm');
    }
  });
});
