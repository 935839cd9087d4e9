/**
 * The .npy and safetensors writers against readers that do not share their code: NumPy
 * itself (np.load; json + np.frombuffer for safetensors) where /usr/bin/python3 has it,
 * and the format parsers in test/helpers/tensorFiles.ts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodeNpyFloat32 } from '../../sidecar/export/npy';
import { encodeSafetensors } from '../../sidecar/export/safetensors';
import { tempDir } from '../helpers/sidecar';
import { maxAbsDiff, readNpy, readSafetensors } from '../helpers/tensorFiles';

const PYTHON = '/usr/bin/python3';

/** The independent reader is required, not optional: say how to get it. */
function requireNumpy(): void {
  assert.ok(existsSync(PYTHON), `${PYTHON} is missing: apt-get install python3 python3-numpy`);
  execFileSync(PYTHON, ['-c', 'import numpy']);
}

const values = Float32Array.from({ length: 3 * 5 }, (_, i) => Math.sin(i) * 10 ** (i % 4) - 0.5);

describe('.npy writer', () => {
  it('writes a 64-byte-aligned v1.0 header and little-endian float32 values', () => {
    const bytes = Buffer.from(encodeNpyFloat32(values, [3, 5]));
    assert.equal(bytes.subarray(0, 8).toString('latin1'), '\x93NUMPY\x01\x00');
    const headerLength = bytes.readUInt16LE(8);
    assert.equal((10 + headerLength) % 64, 0);
    assert.equal(bytes[10 + headerLength - 1], 0x0a);
    assert.equal(bytes.length, 10 + headerLength + 4 * values.length);
    const read = readNpy(bytes);
    assert.deepEqual(read.shape, [3, 5]);
    assert.equal(maxAbsDiff(read.values, values), 0);
  });

  it('refuses a shape that does not hold the values', () => {
    assert.throws(() => encodeNpyFloat32(values, [4, 4]), /4x4 holds 16 values, got 15/);
  });

  it('np.load reads it back exactly (1-D and 2-D)', () => {
    requireNumpy();
    const dir = tempDir('npy');
    writeFileSync(join(dir, 'a.npy'), encodeNpyFloat32(values, [3, 5]));
    writeFileSync(join(dir, 'b.npy'), encodeNpyFloat32(values, [15]));
    const script = [
      'import json, sys, numpy as np',
      'a = np.load(sys.argv[1]); b = np.load(sys.argv[2])',
      'print(json.dumps({"a": [list(a.shape), str(a.dtype), a.astype(float).ravel().tolist()], "b": list(b.shape)}))',
    ].join('\n');
    const out = JSON.parse(
      execFileSync(PYTHON, ['-c', script, join(dir, 'a.npy'), join(dir, 'b.npy')], {
        encoding: 'utf8',
      }),
    ) as { a: [number[], string, number[]]; b: number[] };
    assert.deepEqual(out.a[0], [3, 5]);
    assert.equal(out.a[1], 'float32');
    assert.equal(maxAbsDiff(out.a[2], values), 0);
    assert.deepEqual(out.b, [15]);
  });
});

describe('safetensors writer', () => {
  const tensors = [
    { name: 'stage1_conv/kernel', shape: [3, 1, 5], values },
    { name: 'head/bias', shape: [2], values: Float32Array.from([1.5, -2.25]) },
  ];

  it('writes an 8-byte length, an 8-aligned JSON header with offsets, then the data', () => {
    const bytes = Buffer.from(encodeSafetensors(tensors, { run: 'x' }));
    const n = Number(bytes.readBigUInt64LE(0));
    assert.equal(n % 8, 0);
    assert.equal(bytes.length, 8 + n + 4 * 17);
    const file = readSafetensors(bytes);
    assert.deepEqual(file.metadata, { run: 'x' });
    assert.deepEqual(file.order, ['stage1_conv/kernel', 'head/bias']);
    assert.deepEqual(file.tensors.get('stage1_conv/kernel')?.shape, [3, 1, 5]);
    assert.equal(maxAbsDiff(file.tensors.get('stage1_conv/kernel')?.values ?? [], values), 0);
    assert.deepEqual(Array.from(file.tensors.get('head/bias')?.values ?? []), [1.5, -2.25]);
  });

  it('refuses duplicate names and wrong shapes', () => {
    assert.throws(() => encodeSafetensors([tensors[1], tensors[1]]), /head\/bias appears twice/);
    assert.throws(
      () => encodeSafetensors([{ name: 'w', shape: [4], values }]),
      /w: shape 4 holds 4 values, got 15/,
    );
  });

  it('plain json + numpy read it back exactly', () => {
    requireNumpy();
    const dir = tempDir('safetensors');
    const file = join(dir, 'w.safetensors');
    writeFileSync(file, encodeSafetensors(tensors));
    const script = [
      'import json, struct, sys, numpy as np',
      'data = open(sys.argv[1], "rb").read()',
      'n, = struct.unpack("<Q", data[:8]); header = json.loads(data[8:8 + n])',
      'out = {}',
      'for name, e in header.items():',
      '    b, end = e["data_offsets"]',
      '    a = np.frombuffer(data[8 + n + b:8 + n + end], dtype="<f4").reshape(e["shape"])',
      '    out[name] = [list(a.shape), a.astype(float).ravel().tolist()]',
      'print(json.dumps(out))',
    ].join('\n');
    const out = JSON.parse(
      execFileSync(PYTHON, ['-c', script, file], { encoding: 'utf8' }),
    ) as Record<string, [number[], number[]]>;
    assert.deepEqual(out['stage1_conv/kernel'][0], [3, 1, 5]);
    assert.equal(maxAbsDiff(out['stage1_conv/kernel'][1], values), 0);
    assert.deepEqual(out['head/bias'], [[2], [1.5, -2.25]]);
  });
});
