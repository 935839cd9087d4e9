/**
 * Model builders: parameter counts against the reference architectures (torchvision's
 * ResNets, RotNet's AlexNet and NIN), output shapes at several input sizes from the
 * same weights, and the named stage/block outputs with their spatial sizes. Each big
 * model is built once and probed with batch-1/2 inputs: building is what costs here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../sidecar/backend/chooseBackend';
import {
  buildModel,
  countParameters,
  minInputSize,
  namedOutputs,
  outputsModel,
  type ModelSpec,
} from '../../sidecar/models/buildModel';
import { buildResNet, HEAD_LAYER, transferWeights } from '../../sidecar/models/resnet';

/** Seeded smooth inputs, the same on every backend. */
function inputArray(n: number, size: number, channels: number): Float32Array {
  return Float32Array.from({ length: n * size * size * channels }, (_, i) => Math.sin(i * 0.37));
}

/**
 * Loss and gradients of every trainable weight for one batch in training mode, on the
 * backend that is active (a fresh model per call: variables live on one backend).
 */
function lossAndGradients(spec: ModelSpec, size: number): { loss: number; grads: Float32Array[] } {
  const model = buildModel(spec, { inputChannels: 3, classes: 4, seed: 3 });
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.tidy(() => {
    const x = tf.tensor4d(inputArray(4, size, 3), [4, size, size, 3]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 4);
    return tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor),
      vars,
    );
  });
  const result = {
    loss: value.dataSync()[0],
    grads: vars.map((v) => Float32Array.from(grads[v.name].dataSync())),
  };
  tf.dispose([value, ...Object.values(grads)]);
  model.dispose();
  return result;
}

type Shape = number[];

/** Output shapes of the named layers and the head for a [n, size, size, c] input. */
function probeShapes(model: tf.LayersModel, size: number, n = 2): Record<string, Shape> {
  const names = [...namedOutputs(model), HEAD_LAYER];
  const probe = outputsModel(model, names);
  const channels = model.inputs[0].shape[3] ?? 3;
  const x = tf.randomNormal([n, size, size, channels], 0, 1, 'float32', size);
  const outs = probe.predict(x) as tf.Tensor[];
  const shapes: Record<string, Shape> = {};
  names.forEach((name, i) => {
    shapes[name] = outs[i].shape;
    assert.ok(
      outs[i].dataSync().every((v) => Number.isFinite(v)),
      `${name} finite at ${size}px`,
    );
  });
  tf.dispose([x, ...outs]);
  return shapes;
}

const ceilDiv = (a: number, b: number) => Math.ceil(a / b);

/** Expected named outputs: spatial sizes from the total strides, and channels. */
function expectShapes(
  actual: Record<string, Shape>,
  prefix: 'stage' | 'block',
  strides: number[],
  channels: number[],
  size: number,
  classes: number,
  n = 2,
): void {
  strides.forEach((stride, i) => {
    const s = ceilDiv(size, stride);
    assert.deepEqual(
      actual[`${prefix}${i + 1}`],
      [n, s, s, channels[i]],
      `${prefix}${i + 1} at ${size}px`,
    );
  });
  assert.deepEqual(actual[HEAD_LAYER], [n, classes], `head at ${size}px`);
}

function build(spec: ModelSpec, classes: number, inputChannels = 3): tf.LayersModel {
  return buildModel(spec, { inputChannels, classes, seed: 7 });
}

void describe('model builders (wasm)', () => {
  let tensorsAtStart = 0;

  before(async () => {
    await chooseBackend('wasm', {});
    tensorsAtStart = tf.memory().numTensors;
  });

  after(() => {
    // Every model below is disposed: nothing the builders made may outlive them.
    assert.equal(tf.memory().numTensors, tensorsAtStart);
  });

  void it('ResNet-18, ImageNet stem, 1000 classes: torchvision’s 11,689,512 parameters; stride 4..32', () => {
    const model = build({ arch: 'resnet18', stem: 'imagenet' }, 1000);
    assert.equal(countParameters(model), 11_689_512);
    assert.deepEqual(namedOutputs(model), ['stage1', 'stage2', 'stage3', 'stage4']);
    for (const size of [32, 64]) {
      expectShapes(
        probeShapes(model, size),
        'stage',
        [4, 8, 16, 32],
        [64, 128, 256, 512],
        size,
        1000,
      );
    }
    model.dispose();
  });

  void it('ResNet-34, ImageNet stem: torchvision’s 21,797,672 parameters', () => {
    const model = build({ arch: 'resnet34', stem: 'imagenet' }, 1000);
    assert.equal(countParameters(model), 21_797_672);
    expectShapes(
      probeShapes(model, 32, 1),
      'stage',
      [4, 8, 16, 32],
      [64, 128, 256, 512],
      32,
      1000,
      1,
    );
    model.dispose();
  });

  void it('ResNet-50, ImageNet stem: torchvision’s 25,557,032 parameters; bottleneck widths x4', () => {
    const model = build({ arch: 'resnet50', stem: 'imagenet' }, 1000);
    assert.equal(countParameters(model), 25_557_032);
    expectShapes(
      probeShapes(model, 48, 1),
      'stage',
      [4, 8, 16, 32],
      [256, 512, 1024, 2048],
      48,
      1000,
      1,
    );
    model.dispose();
  });

  void it('ResNet-18, CIFAR stem, 10 classes: 11,173,962 parameters; runs at 8/16/24/32 px', () => {
    const model = build({ arch: 'resnet18', stem: 'cifar' }, 10);
    assert.equal(countParameters(model), 11_173_962);
    // No stem pooling: stage strides 1, 2, 4, 8.
    for (const size of [8, 16, 24, 32]) {
      expectShapes(probeShapes(model, size), 'stage', [1, 2, 4, 8], [64, 128, 256, 512], size, 10);
    }
    model.dispose();
  });

  void it('ResNet-50 and ResNet-34 with a CIFAR stem at a small width: same depth, sizes 16..32', () => {
    const r50 = build({ arch: 'resnet50', stem: 'cifar', width: 8 }, 4);
    assert.equal(r50.layers.filter((l) => /^stage\d_block\d+_add$/.test(l.name)).length, 16);
    for (const size of [16, 24, 32]) {
      expectShapes(probeShapes(r50, size), 'stage', [1, 2, 4, 8], [32, 64, 128, 256], size, 4);
    }
    r50.dispose();
    const r34 = build({ arch: 'resnet34', stem: 'cifar', width: 8 }, 4, 1);
    assert.equal(r34.layers.filter((l) => /_add$/.test(l.name)).length, 16);
    expectShapes(probeShapes(r34, 8), 'stage', [1, 2, 4, 8], [8, 16, 32, 64], 8, 4);
    r34.dispose();
  });

  void it('AlexNet (RotNet’s, ImageNet variant): conv trunk 2,472,000 parameters; 224 → 27/13; smallest input 31', () => {
    const model = build({ arch: 'alexnet', variant: 'imagenet' }, 4);
    // RotNet's conv1..conv5 (bias + BN) = torchvision's alexnet().features (2,469,696)
    // + BN gamma/beta over 64+192+384+256+256 channels; the head is 256 x 4 + 4.
    assert.equal(countParameters(model), 2_469_696 + 2 * 1152 + 256 * 4 + 4);
    assert.equal(minInputSize({ arch: 'alexnet' }), 31);
    const channels = [64, 192, 384, 256, 256];
    const at224 = probeShapes(model, 224, 1);
    [27, 13, 13, 13, 13].forEach((s, i) =>
      assert.deepEqual(at224[`block${i + 1}`], [1, s, s, channels[i]]),
    );
    const at31 = probeShapes(model, 31, 1);
    [3, 1, 1, 1, 1].forEach((s, i) =>
      assert.deepEqual(at31[`block${i + 1}`], [1, s, s, channels[i]]),
    );
    assert.deepEqual(at31[HEAD_LAYER], [1, 4]);
    model.dispose();
  });

  void it('AlexNet, CIFAR variant: 5x5 stride-1 conv1, padded pools; runs at 8..32 px', () => {
    const model = build({ arch: 'alexnet', variant: 'cifar' }, 10);
    assert.equal(countParameters(model), 2_469_696 - 23_232 + 4_800 + 2 * 1152 + 256 * 10 + 10);
    for (const size of [8, 16, 24, 32]) {
      expectShapes(
        probeShapes(model, size),
        'block',
        [2, 4, 4, 4, 4],
        [64, 192, 384, 256, 256],
        size,
        10,
      );
    }
    model.dispose();
  });

  void it('NIN (RotNet’s): 3 blocks = 1,004,484 parameters; 4 blocks pool block 3 too', () => {
    const nin3 = build({ arch: 'nin', blocks: 3 }, 4);
    // NetworkInNetwork.py, bias-free convs + BN (gamma, beta), Linear(192, 4).
    const block1 = 5 * 5 * 3 * 192 + 192 * 160 + 160 * 96 + 2 * (192 + 160 + 96);
    const block2 = 5 * 5 * 96 * 192 + 2 * 192 * 192 + 2 * 3 * 192;
    const block3 = 3 * 3 * 192 * 192 + 2 * 192 * 192 + 2 * 3 * 192;
    assert.equal(countParameters(nin3), block1 + block2 + block3 + 192 * 4 + 4);
    assert.equal(countParameters(nin3), 1_004_484);
    expectShapes(probeShapes(nin3, 32), 'block', [2, 4, 4], [96, 192, 192], 32, 4);
    nin3.dispose();
    const nin4 = build({ arch: 'nin' }, 4);
    assert.deepEqual(namedOutputs(nin4), ['block1', 'block2', 'block3', 'block4']);
    for (const size of [8, 16, 24, 32]) {
      expectShapes(probeShapes(nin4, size), 'block', [2, 4, 8, 8], [96, 192, 192, 192], size, 4);
    }
    nin4.dispose();
  });

  void it('every architecture trains on wasm: gradients match the pure-JS cpu backend', async () => {
    // Small widths: what is checked is each layer kind's backward pass (11x11 stride-4
    // conv after explicit padding, valid and same max-pools, average pools, bottlenecks).
    const cases: [ModelSpec, number][] = [
      [{ arch: 'resnet50', stem: 'cifar', width: 2 }, 16],
      [{ arch: 'resnet18', stem: 'imagenet', width: 2 }, 64],
      [{ arch: 'alexnet', variant: 'imagenet', widths: [4, 6, 8, 6, 6] }, 35],
      [{ arch: 'alexnet', variant: 'cifar', widths: [4, 6, 8, 6, 6] }, 12],
      [{ arch: 'nin', width: 8 }, 12],
    ];
    try {
      for (const [spec, size] of cases) {
        const wasm = lossAndGradients(spec, size);
        await tf.setBackend('cpu');
        const cpu = lossAndGradients(spec, size);
        await tf.setBackend('wasm');
        assert.ok(
          Number.isFinite(wasm.loss) && Math.abs(wasm.loss - cpu.loss) < 1e-3 * cpu.loss,
          `${spec.arch}: loss ${wasm.loss} vs ${cpu.loss}`,
        );
        wasm.grads.forEach((g, i) => {
          const scale = Math.max(1e-3, ...cpu.grads[i].map(Math.abs));
          const worst = Math.max(...g.map((v, j) => Math.abs(v - cpu.grads[i][j])));
          // Float32 sums in another order, amplified by batch norm over few values: ~1e-3 of
          // the largest gradient; a wrong kernel is off by the gradient's own size.
          assert.ok(worst / scale < 1e-2, `${spec.arch} weight ${i}: ${worst} vs scale ${scale}`);
          assert.ok(
            g.some((v) => v !== 0),
            `${spec.arch} weight ${i} gets a gradient`,
          );
        });
      }
    } finally {
      await tf.setBackend('wasm');
    }
  });

  void it('the small configurable ResNet keeps its options, layer names and seeded weights', () => {
    const options = { inputChannels: 1, blocks: [1, 1], widths: [4, 8], classes: 4, seed: 3 };
    const a = buildResNet(options);
    const b = buildModel({ arch: 'resnet', blocks: [1, 1], widths: [4, 8] }, options);
    const names = a.layers.map((l) => l.name);
    for (const name of [
      'stem_conv',
      'stem_bn',
      'stem_relu',
      'stage1_block1_a_conv',
      'stage2_block1_proj_conv',
      'stage1',
      'stage2',
      'pool',
      'head',
    ]) {
      assert.ok(names.includes(name), name);
    }
    assert.deepEqual(
      b.layers.map((l) => l.name),
      names,
    );
    a.weights.forEach((w, i) =>
      assert.deepEqual(w.read().dataSync(), b.weights[i].read().dataSync(), w.name),
    );
    expectShapes(probeShapes(a, 16), 'stage', [1, 2], [4, 8], 16, 4);

    // Rotation head (4) → 10 classes: everything but the head moves across.
    const target = buildResNet({ ...options, classes: 10, seed: 4 });
    const copied = transferWeights(a, target, [HEAD_LAYER]);
    assert.ok(!copied.includes(HEAD_LAYER) && copied.includes('stem_conv'));
    assert.deepEqual(
      target.getLayer('stage2_block1_b_conv').getWeights()[0].dataSync(),
      a.getLayer('stage2_block1_b_conv').getWeights()[0].dataSync(),
    );
    [a, b, target].forEach((m) => m.dispose());
  });
});
