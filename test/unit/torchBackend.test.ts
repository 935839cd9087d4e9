/**
 * The torch backend's contract: load failures explained, info reported, tf.memory()
 * figures, dtypes, and clear errors (never a silent fallback) for what it does not do.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { explainLoadFailure, loadTorchAddon } from '../../sidecar/backend/torch/addon';
import { torchNativeTensorCount } from '../../sidecar/backend/torch';
import { startTorchForTest, torchSkipReason } from '../helpers/torchBackend';

describe('torch addon loading', () => {
  it('a missing addon is a reason that says to build it', () => {
    const result = loadTorchAddon('/nonexistent/scalenet_torch.node');
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.reason, /not found: build it first/);
  });
  it('an undefined symbol reads as a likely ABI mismatch', () => {
    const reason = explainLoadFailure(
      'x.node',
      'x.node: undefined symbol: _ZN3c106detail14torchCheckFailEPKcS2_jRKSs',
    );
    assert.match(reason, /undefined symbol: _ZN3c10.*ABI mismatch\?/);
  });
  it('a moved libtorch reads as such', () => {
    const reason = explainLoadFailure(
      'x.node',
      'libc10.so: cannot open shared object file: No such file or directory',
    );
    assert.match(reason, /libc10\.so.*has moved or is gone; rebuild it/);
  });
});

const started = startTorchForTest();

describe('torch backend', { skip: torchSkipReason(started) }, () => {
  it('reports libtorch, device and threads', () => {
    assert.ok(started.ok);
    assert.match(started.info.libtorchVersion, /^\d+\.\d+/);
    assert.equal(started.info.device, 'cpu');
    assert.equal(started.info.threads, 2);
    assert.ok(started.info.kernelCount > 100, `${started.info.kernelCount} kernels`);
  });

  it('keeps tensors in the addon, with the tf.memory() figures of the cpu backend', async () => {
    const make = () => [
      tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]),
      tf.tensor1d([1, 0, 1], 'bool'),
      tf.tensor1d([7, -8], 'int32'),
    ];
    const deltas = async (backend: string) => {
      await tf.setBackend(backend);
      const before = { memory: tf.memory(), native: torchNativeTensorCount()! };
      const [a, c, d] = make();
      const b = tf.reshape(a, [3, 2]); // shares a's data: no new native tensor
      const after = { memory: tf.memory(), native: torchNativeTensorCount()! };
      const values = [await b.data(), c.dataSync(), d.dataSync(), tf.add(d, d)];
      const result = {
        numTensors: after.memory.numTensors - before.memory.numTensors,
        numDataBuffers: after.memory.numDataBuffers - before.memory.numDataBuffers,
        numBytes: after.memory.numBytes - before.memory.numBytes,
        native: after.native - before.native,
        values: values.slice(0, 3).map((v) => Array.from(v as ArrayLike<number>)),
        boolIsBytes: values[1] instanceof Uint8Array,
        sumDtype: (values[3] as tf.Tensor).dtype,
      };
      tf.dispose([a, b, c, d, values[3]]);
      return { result, leftNative: torchNativeTensorCount()! - before.native };
    };
    const cpu = await deltas('cpu');
    const torch = await deltas('torch');
    assert.deepEqual({ ...torch.result, native: 0 }, { ...cpu.result, native: 0 });
    assert.deepEqual(torch.result.values, [
      [1, 2, 3, 4, 5, 6],
      [1, 0, 1],
      [7, -8],
    ]);
    assert.equal(torch.result.numDataBuffers, 3);
    assert.equal(torch.result.native, 3);
    assert.equal(torch.result.sumDtype, 'int32');
    assert.ok(torch.result.boolIsBytes);
    assert.equal(torch.leftNative, 0);
  });

  it('moves tensors to and from another backend', async () => {
    await tf.setBackend('cpu');
    const x = tf.tensor1d([1.5, -2]);
    await tf.setBackend('torch');
    assert.deepEqual(Array.from(tf.mul(x, 2).dataSync()), [3, -4]);
    x.dispose();
  });

  it('converts a filter once per tensor: a new filter, or the same data reshaped, is used as given', async () => {
    await tf.setBackend('torch');
    const x = tf.randomNormal<tf.Rank.R4>([2, 5, 5, 4], 0, 1, 'float32', 3);
    const x2 = tf.randomNormal<tf.Rank.R4>([2, 5, 5, 2], 0, 1, 'float32', 5);
    const f = tf.randomNormal<tf.Rank.R4>([3, 3, 4, 4], 0, 1, 'float32', 4);
    const first = Array.from(tf.conv2d(x, f, 1, 'same').dataSync());
    // Another filter (a new tensor): its own result, not the kept conversion of the first.
    const doubled = tf.conv2d(x, tf.mul<tf.Tensor4D>(f, 2), 1, 'same').dataSync();
    doubled.forEach((v, i) => assert.ok(Math.abs(v - 2 * first[i]) < 1e-4, `doubled[${i}]`));
    // The same tensor as another filter shape (a reshape shares it): converted afresh.
    const got = tf.conv2d(x2, f.reshape<tf.Tensor4D>([3, 3, 2, 8]), 1, 'same').dataSync();
    await tf.setBackend('cpu');
    const onCpu = (t: tf.Tensor4D): tf.Tensor4D => tf.tensor4d(t.arraySync());
    const expected = tf
      .conv2d(onCpu(x2), onCpu(f).reshape<tf.Tensor4D>([3, 3, 2, 8]), 1, 'same')
      .dataSync();
    got.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-4, `reshaped[${i}]`));
    await tf.setBackend('torch');
    tf.dispose([x, x2, f]);
  });

  it('a kernel it does not implement is an error naming it', async () => {
    await tf.setBackend('torch');
    const x = tf.ones([2, 2]);
    assert.throws(
      () => tf.einsum('ij,jk->ik', x, x),
      /Kernel 'Einsum' not registered for backend 'torch'/,
    );
    x.dispose();
  });

  it('string and complex tensors are clear errors', async () => {
    await tf.setBackend('torch');
    assert.throws(() => tf.tensor1d(['a']), /dtype string is not supported/);
    assert.throws(() => tf.complex([1], [2]), /Complex/);
  });
});
