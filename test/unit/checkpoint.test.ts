/**
 * Model save/load and checkpoints on the wasm backend (no tfjs-node file:// handler):
 * bit-identical round trips, BatchNorm moving statistics, SGD-momentum state that
 * continues exactly, and crash leftovers that never break loading.
 */
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../sidecar/backend/chooseBackend';
import { loadModel, saveModel } from '../../sidecar/models/modelIO';
import { loadCheckpoint, saveCheckpoint } from '../../sidecar/runs/checkpoint';
import { writeFileAtomic } from '../../sidecar/util/atomicWrite';

interface State {
  stage: number;
  epoch: number;
  metrics: Record<string, number>;
}

/** A small conv net with BatchNormalization, like the trunk's building blocks. */
function buildModel(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 3] });
  let x = tf.layers
    .conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false })
    .apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same' })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 4 }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

function batch(seed: number): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  return tf.tidy(() => ({
    xs: tf.randomNormal<tf.Rank.R4>([4, 8, 8, 3], 0, 1, 'float32', seed),
    ys: tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 4).toFloat() as tf.Tensor2D,
  }));
}

/** One SGD step in training mode (BatchNorm updates its moving statistics). */
function trainStep(model: tf.LayersModel, optimizer: tf.Optimizer, seed: number): void {
  const { xs, ys } = batch(seed);
  // Explicit variable list, in the model's order: momentum slots are matched by position.
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const cost = optimizer.minimize(
    () => {
      const logits = model.apply(xs, { training: true }) as tf.Tensor;
      return tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Scalar>(ys, logits);
    },
    true,
    vars,
  );
  tf.dispose([xs, ys]);
  cost?.dispose();
}

function weightValues(model: tf.LayersModel): Map<string, Float32Array> {
  return new Map(model.weights.map((w) => [w.originalName, w.read().dataSync() as Float32Array]));
}

function predict(model: tf.LayersModel): Float32Array {
  return tf.tidy(() => {
    const { xs } = batch(99);
    return (model.predict(xs) as tf.Tensor).dataSync() as Float32Array;
  });
}

void describe('model save/load and checkpoints (wasm)', () => {
  let root: string;

  before(async () => {
    await chooseBackend('wasm', {});
    root = mkdtempSync(join(tmpdir(), 'scalenet-ckpt-'));
  });

  after(() => {
    rmSync(root, { recursive: true, force: true });
  });

  void it('round-trips every weight bit for bit, BatchNorm moving stats included', async () => {
    const model = buildModel();
    const optimizer = tf.train.momentum(0.05, 0.9);
    trainStep(model, optimizer, 1); // moves BatchNorm's moving mean/variance off 0/1
    const dir = join(root, 'model');
    await saveModel(model, dir);
    assert.deepEqual(readdirSync(dir).sort(), ['model.json', 'weights.bin']);

    const loaded = await loadModel(dir);
    const before = weightValues(model);
    const after = weightValues(loaded);
    assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort());
    const movingMean = [...before.keys()].find((k) => k.endsWith('moving_mean'));
    assert.ok(movingMean, 'BatchNorm moving mean is saved');
    assert.ok(
      before.get(movingMean)!.some((v) => v !== 0),
      'moving mean was trained',
    );
    for (const [name, values] of before) {
      assert.deepEqual(after.get(name), values, name);
    }
    assert.deepEqual(predict(loaded), predict(model));
    model.dispose();
    loaded.dispose();
    optimizer.dispose();
  });

  void it('restores SGD momentum: two steps after restore == two steps without saving', async () => {
    const model = buildModel();
    const optimizer = tf.train.momentum(0.05, 0.9);
    trainStep(model, optimizer, 1);
    trainStep(model, optimizer, 2);
    const dir = join(root, 'ckpt-momentum');
    const state: State = { stage: 0, epoch: 2, metrics: { 'pretext/loss': 1.25 } };
    await saveCheckpoint(dir, { model, optimizer, state });

    // Reference: keep going without saving.
    trainStep(model, optimizer, 3);
    trainStep(model, optimizer, 4);
    const expected = weightValues(model);

    const restored = await loadCheckpoint<State>(dir);
    assert.deepEqual(restored.state, state);
    assert.equal(restored.optimizer?.className, 'Momentum');
    assert.ok(restored.optimizerWeights);
    assert.equal(restored.optimizerWeights.length, 1 + restored.model.trainableWeights.length);
    const optimizer2 = tf.train.momentum(0.05, 0.9);
    await optimizer2.setWeights(restored.optimizerWeights);
    tf.dispose(restored.optimizerWeights.map((w) => w.tensor));
    trainStep(restored.model, optimizer2, 3);
    trainStep(restored.model, optimizer2, 4);
    const actual = weightValues(restored.model);
    for (const [name, values] of expected) {
      assert.deepEqual(actual.get(name), values, name);
    }
    // Slots now carry the restored model's variable names, so getWeights maps back too.
    const names = (await optimizer2.getWeights()).map((w) => w.name);
    const variables = new Set(restored.model.trainableWeights.map((w) => `${w.name}/momentum`));
    assert.ok(
      names.slice(1).every((n) => variables.has(n)),
      names.join(', '),
    );

    model.dispose();
    restored.model.dispose();
    optimizer.dispose();
    optimizer2.dispose();
  });

  void it('ignores a half-written temp folder from a crash and cleans it on the next save', async () => {
    const model = buildModel();
    const dir = join(root, 'ckpt-crash');
    await saveCheckpoint(dir, { model, state: { epoch: 1 } });
    const expected = weightValues(model);

    // A crash while writing the next checkpoint: its temp folder holds a partial model.
    const temp = `${dir}.tmp-000000000-1-crash`;
    mkdirSync(temp);
    writeFileSync(join(temp, 'model.json'), '{"modelTopology": {"trunc');
    const loaded = await loadCheckpoint<{ epoch: number }>(dir);
    assert.deepEqual(loaded.state, { epoch: 1 });
    assert.equal(loaded.optimizerWeights, undefined);
    for (const [name, values] of expected) {
      assert.deepEqual(weightValues(loaded.model).get(name), values, name);
    }

    // A crash between the two renames: only the previous version, as `.old-*`, exists.
    const old = `${dir}.old-000000000-1-crash`;
    renameSync(dir, old);
    const recovered = await loadCheckpoint<{ epoch: number }>(dir);
    assert.deepEqual(recovered.state, { epoch: 1 });

    // The next save replaces everything and leaves no leftovers behind.
    await saveCheckpoint(dir, { model, state: { epoch: 2 } });
    assert.equal(existsSync(temp), false);
    assert.equal(existsSync(old), false);
    assert.deepEqual((await loadCheckpoint<{ epoch: number }>(dir)).state, { epoch: 2 });
    for (const m of [model, loaded.model, recovered.model]) m.dispose();
  });

  void it('does not leak tensors across save and load', async () => {
    const model = buildModel();
    const optimizer = tf.train.momentum(0.05, 0.9);
    trainStep(model, optimizer, 1);
    const dir = join(root, 'ckpt-leak');
    await saveCheckpoint(dir, { model, optimizer, state: {} });
    const tensors = tf.memory().numTensors;
    await saveCheckpoint(dir, { model, optimizer, state: {} });
    assert.equal(tf.memory().numTensors, tensors);
    model.dispose();
    optimizer.dispose();
  });

  void it('writeFileAtomic replaces a file and leaves no temp file', () => {
    const dir = join(root, 'atomic');
    const file = join(dir, 'summary.json');
    writeFileAtomic(file, '{"a":1}\n');
    writeFileAtomic(file, new TextEncoder().encode('{"a":2}\n'));
    assert.deepEqual(readdirSync(dir), ['summary.json']);
    assert.equal(JSON.stringify(JSON.parse(readFileSync(file, 'utf8'))), '{"a":2}');
  });
});
