/**
 * Downstream evaluators on tiny synthetic data whose answer is known: textures (flat,
 * horizontal stripes, vertical stripes, checkerboard) under random brightness and
 * noise, hand-made feature sets for kNN. Checks numbers (accuracies, vote weights,
 * pooled features), that a frozen trunk stays bit-identical, that cancellation stops
 * an evaluator, and that no evaluator leaves a tensor behind.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../sidecar/backend/chooseBackend';
import { buildResNet } from '../../sidecar/models/resnet';
import { flipAndCrop } from '../../sidecar/eval/augment';
import { inputBatch } from '../../sidecar/eval/batches';
import { supervisedStep } from '../../sidecar/eval/classifierStep';
import { extractFeatures, type FeatureMatrix } from '../../sidecar/eval/features';
import { finetune } from '../../sidecar/eval/finetune';
import { knnAccuracy, knnMonitor, knnPredict } from '../../sidecar/eval/knn';
import { linearProbe } from '../../sidecar/eval/linearProbe';
import { disposeOptimizer } from '../../sidecar/util/disposeOptimizer';
import type { InputPrep, LabelledImages, SgdSchedule } from '../../sidecar/eval/types';
import { classCounts } from '../../sidecar/data/subset';
import { computeChannelStats } from '../../sidecar/transforms/standardize';
import { createRng, uniform } from '../../sidecar/util/random';

const SIZE = 12;

/** Class = texture: 0 flat, 1 horizontal stripes, 2 vertical stripes, 3 checkerboard. */
function textures(count: number, seed: number, channels = 1): LabelledImages & { name: string } {
  const rng = createRng(seed);
  const images = new Uint8Array(count * SIZE * SIZE * channels);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % 4;
    labels[i] = label;
    const base = uniform(rng, 40, 120);
    const amp = uniform(rng, 50, 110);
    const phase = rng.next() < 0.5 ? 0 : 1;
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        const on =
          label === 1
            ? (y + phase) % 2
            : label === 2
              ? (x + phase) % 2
              : label === 3
                ? (x + y + phase) % 2
                : 0.5;
        const v = base + amp * on + uniform(rng, -15, 15);
        for (let c = 0; c < channels; c++) {
          images[((i * SIZE + y) * SIZE + x) * channels + c] = Math.max(
            0,
            Math.min(255, Math.round(v)),
          );
        }
      }
    }
  }
  return { name: `textures-${seed}`, images, labels, count, height: SIZE, width: SIZE, channels };
}

function tinyResNet(classes: number, seed = 5): tf.LayersModel {
  return buildResNet({ inputChannels: 1, blocks: [1, 1], widths: [8, 16], classes, seed });
}

function weightSnapshot(model: tf.LayersModel): Map<string, Float32Array> {
  return new Map(model.weights.map((w) => [w.name, Float32Array.from(w.read().dataSync())]));
}

function schedule(overrides: Partial<SgdSchedule>): SgdSchedule {
  return {
    epochs: 10,
    lr: 0.1,
    milestones: [],
    gamma: 0.2,
    momentum: 0.9,
    weightDecay: 5e-4,
    batchSize: 16,
    ...overrides,
  };
}

function matrix(rows: number[][]): FeatureMatrix {
  return {
    layer: 'hand',
    count: rows.length,
    dim: rows[0].length,
    values: Float32Array.from(rows.flat()),
  };
}

void describe('downstream evaluation (wasm)', () => {
  const train = textures(96, 1);
  const test = textures(48, 2);
  const prep: InputPrep = { stats: computeChannelStats({ ...train, name: 'train' }) };

  before(async () => {
    await chooseBackend('wasm', {});
  });

  void it('kNN: separable features → accuracy 1.0; vote weights are exp(sim / T)', async () => {
    const before = tf.memory().numTensors;
    // Train features near one axis per class (any scale: they are normalised), test near them too.
    const rng = createRng(3);
    const near = (c: number, scale: number) =>
      [0, 1, 2].map((d) => scale * ((d === c ? 1 : 0) + uniform(rng, -0.2, 0.2)));
    const bank = matrix(Array.from({ length: 30 }, (_, i) => near(i % 3, 1 + (i % 5))));
    const bankLabels = Int32Array.from({ length: 30 }, (_, i) => i % 3);
    const queries = matrix(Array.from({ length: 12 }, (_, i) => near(i % 3, 0.1)));
    const queryLabels = Int32Array.from({ length: 12 }, (_, i) => i % 3);
    assert.equal(
      await knnAccuracy(bank, bankLabels, queries, queryLabels, { k: 5, chunkSize: 5 }),
      1,
    );

    // Two class-0 neighbours at cosine 0.6 against one class-1 neighbour at 0.99:
    // T = 0.01 → e^99 > 2 e^60 (class 1); T = 10 → 2 e^0.06 > e^0.099 (class 0).
    const s = (c: number) => [c, Math.sqrt(1 - c * c)];
    const votersRows = [s(0.6), s(0.6), s(0.99), [-1, 0]];
    const voters = matrix(votersRows);
    const voterLabels = Int32Array.from([0, 0, 1, 2]);
    const query = matrix([[1, 0]]);
    assert.deepEqual(
      [...(await knnPredict(voters, voterLabels, query, { k: 3, temperature: 0.01 }))],
      [1],
    );
    assert.deepEqual(
      [...(await knnPredict(voters, voterLabels, query, { k: 3, temperature: 10 }))],
      [0],
    );
    assert.equal(tf.memory().numTensors, before);
  });

  void it('features: pooled named outputs, inference mode; stage2 pooled = the model’s own pool', async () => {
    const model = tinyResNet(4);
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    const features = await extractFeatures(model, test, prep, {
      layers: ['stage1', 'stage2', 'pool'],
      batchSize: 20,
      onProgress: (p) => progress.push(p.done),
    });
    assert.deepEqual(progress, [20, 40, 48]);
    assert.deepEqual(
      ['stage1', 'stage2', 'pool'].map((l) => [features.get(l)?.count, features.get(l)?.dim]),
      [
        [48, 8],
        [48, 16],
        [48, 16],
      ],
    );
    const stage2 = features.get('stage2')?.values ?? new Float32Array();
    const pool = features.get('pool')?.values ?? new Float32Array();
    stage2.forEach((v, i) => assert.ok(Math.abs(v - pool[i]) < 1e-5, `feature ${i}`));
    assert.equal(tf.memory().numTensors, before);
    model.dispose();
  });

  void it('linear probe: random-init trunk, 4 textures → well above chance per block; trunk bit-identical', async () => {
    const trunk = tinyResNet(4);
    const snapshot = weightSnapshot(trunk);
    const before = tf.memory().numTensors;
    const started = Date.now();
    const result = await linearProbe(trunk, train, test, prep, {
      schedule: schedule({ epochs: 30, lr: 0.05, milestones: [20] }),
      seed: 11,
    });
    const seconds = (Date.now() - started) / 1000;
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(Object.keys(result.accuracy), ['stage1', 'stage2']);
    assert.deepEqual(result.dims, { stage1: 8, stage2: 16 });
    for (const [block, acc] of Object.entries(result.accuracy)) {
      assert.ok(acc >= 0.6, `${block}: ${acc} (chance 0.25, ${seconds}s)`);
    }
    const after = weightSnapshot(trunk);
    for (const [name, values] of snapshot) {
      assert.deepEqual(after.get(name), values, `${name} changed`);
    }
    trunk.dispose();
  });

  void it('fine-tune: pretext trunk moves across, new 4-way head, above chance in a few epochs', async () => {
    const pretext = tinyResNet(4, 9);
    const before = tf.memory().numTensors;
    const perEpoch: number[] = [];
    const result = await finetune(pretext, train, test, prep, {
      build: (classes) => tinyResNet(classes, 21),
      classes: 4,
      labelBudget: 64,
      seed: 2,
      augment: false,
      schedule: schedule({ epochs: 6, lr: 0.05, milestones: [4] }),
      onEpoch: (m) => perEpoch.push(m.lr),
      keepModel: true,
    });
    // The label budget is stratified: 16 of each texture.
    assert.deepEqual(classCounts(train.labels, result.trainIndices), [16, 16, 16, 16]);
    assert.ok(result.transferred.includes('stem_conv') && !result.transferred.includes('head'));
    assert.deepEqual(perEpoch, [0.05, 0.05, 0.05, 0.05, 0.05 * 0.2, 0.05 * 0.2]);
    assert.ok(result.testAccuracy >= 0.5, `test accuracy ${result.testAccuracy} (chance 0.25)`);
    assert.ok(result.model !== undefined);
    result.model.dispose();
    assert.equal(tf.memory().numTensors, before);
    pretext.dispose();
  });

  void it('micro-batches: accumulated gradients give the same step as the whole batch', () => {
    // No batch norm here: its batch statistics would legitimately differ per micro-batch.
    const build = () => {
      const input = tf.input({ shape: [SIZE, SIZE, 1] });
      const flat = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
      const out = tf.layers
        .dense({ units: 4, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })
        .apply(flat) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: out });
    };
    const batch = inputBatch(
      train,
      Int32Array.from({ length: 16 }, (_, i) => i),
      prep,
    );
    const run = (micro: number) => {
      const model = build();
      const optimizer = tf.train.momentum(0.1, 0.9);
      const step = supervisedStep(model, optimizer, batch, 4, 1e-3, micro);
      const weights = weightSnapshot(model);
      disposeOptimizer(optimizer);
      model.dispose();
      return { step, weights };
    };
    const before = tf.memory().numTensors;
    const whole = run(16);
    const micro = run(5);
    assert.equal(tf.memory().numTensors, before);
    assert.equal(micro.step.correct, whole.step.correct);
    assert.ok(Math.abs(micro.step.loss - whole.step.loss) < 1e-5);
    const [a, b] = [[...whole.weights.values()], [...micro.weights.values()]];
    a.forEach((w, i) => w.forEach((v, j) => assert.ok(Math.abs(v - b[i][j]) < 1e-6)));
  });

  void it('kNN monitor over a model; cancellation stops evaluators without leaking tensors', async () => {
    const model = tinyResNet(4);
    const before = tf.memory().numTensors;
    const acc = await knnMonitor(model, train, test, prep, { k: 10, batchSize: 32 });
    assert.ok(acc > 0.25 && acc <= 1, `kNN ${acc}`);

    const aborted = new AbortController();
    aborted.abort(new Error('stopped by the user'));
    await assert.rejects(
      linearProbe(model, train, test, prep, {
        schedule: schedule({}),
        seed: 1,
        signal: aborted.signal,
      }),
      /stopped by the user/,
    );
    const midway = new AbortController();
    await assert.rejects(
      finetune(model, train, test, prep, {
        build: (classes) => tinyResNet(classes, 3),
        classes: 4,
        seed: 1,
        schedule: schedule({ epochs: 3 }),
        signal: midway.signal,
        onProgress: (p) => {
          if (p.phase === 'train' && p.done === 2) midway.abort(new Error('cancelled'));
        },
      }),
      /cancelled/,
    );
    assert.equal(tf.memory().numTensors, before);
    model.dispose();
  });

  void it('inputs: alpha resizes before standardising; flip-and-crop keeps shapes', () => {
    const half = inputBatch(train, [0, 5], { ...prep, alpha: 0.5 });
    assert.deepEqual([half.count, half.height, half.width, half.x.length], [2, 6, 6, 72]);
    assert.deepEqual([...half.labels], [0, 1]);
    const full = inputBatch(train, [1], prep);
    const flipped = flipAndCrop(full, createRng(4));
    assert.equal(flipped.x.length, full.x.length);
    assert.ok(flipped.x.some((v, i) => v !== full.x[i]));
  });
});
