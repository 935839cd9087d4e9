import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../../sidecar/data/errors';
import { parseIdx, readIdxFile } from '../../sidecar/data/idx';
import { loadDataset } from '../../sidecar/data/dataset';
import { embeddedDatasetDir } from '../../sidecar/data/embedded';
import { classCounts } from '../../sidecar/data/subset';
import type { DataConfig } from '../../sidecar/protocol/config';
import { idxBytes, tempDir } from '../helpers/dataFixtures';

const dataConfig = (over: Partial<DataConfig>): DataConfig => ({
  dataset: 'idx',
  channels: 1,
  inputMode: 'original',
  hybridProbability: 0.5,
  harris: { blockSize: 2, ksize: 3, k: 0.04, threshold: 0.01 },
  ...over,
});

/** Runs `fn` and returns the DataError it must throw. */
async function dataError(fn: () => unknown): Promise<DataError> {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof DataError, `expected a DataError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a DataError');
}

void test('parses a hand-written IDX file: dims and data', () => {
  const buf = idxBytes([2, 2, 3], Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
  const idx = parseIdx(buf, 'x');
  assert.deepEqual(idx.dims, [2, 2, 3]);
  assert.deepEqual(Array.from(idx.data), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
});

void test('truncated, oversized, bad-magic and wrong-type files name file and offset', async () => {
  const good = idxBytes([3, 2, 2], new Uint8Array(12));
  let e = await dataError(() => parseIdx(good.subarray(0, good.length - 5), 'imgs.idx'));
  assert.equal(e.file, 'imgs.idx');
  assert.equal(e.offset, good.length - 5); // 16-byte header + 7 of 12 data bytes
  assert.match(e.message, /imgs\.idx \(byte offset 23\): truncated.*record 1 of 3/);
  e = await dataError(() => parseIdx(Buffer.concat([good, Buffer.alloc(3)]), 'f'));
  assert.equal(e.offset, 28);
  e = await dataError(() => parseIdx(Buffer.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0]), 'zip'));
  assert.equal(e.offset, 0);
  assert.match(e.message, /not an IDX file/);
  e = await dataError(() =>
    parseIdx(Buffer.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0]), 'floats'),
  );
  assert.equal(e.offset, 2);
  assert.match(e.message, /float32/);
});

void test('gzipped files are inflated; a truncated gzip is a DataError with the file size', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const data = Uint8Array.from({ length: 2 * 4 * 4 }, (_, i) => i);
    writeFileSync(join(dir, 'ok.gz'), idxBytes([2, 4, 4], data, true));
    assert.deepEqual((await readIdxFile(join(dir, 'ok.gz'))).data, data);
    const gz = idxBytes([2, 4, 4], data, true);
    writeFileSync(join(dir, 'cut.gz'), gz.subarray(0, gz.length - 10));
    const e = await dataError(() => readIdxFile(join(dir, 'cut.gz')));
    assert.equal(e.file, join(dir, 'cut.gz'));
    assert.equal(e.offset, gz.length - 10);
    const missing = await dataError(() => readIdxFile(join(dir, 'nope.gz')));
    assert.match(missing.message, /ENOENT/);
  } finally {
    cleanup();
  }
});

void test('IDX dataset folder: gray → 3 channels repeats the plane; label/image count mismatch fails', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const pixels = Uint8Array.from({ length: 3 * 2 * 2 }, (_, i) => 10 * i);
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), idxBytes([3, 2, 2], pixels, true));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idxBytes([3], Uint8Array.from([2, 0, 1])));
    const ds = await loadDataset(dataConfig({ path: dir, channels: 3 }), '/', 'train');
    assert.equal(ds.count, 3);
    assert.equal(ds.channels, 3);
    assert.deepEqual(Array.from(ds.labels), [2, 0, 1]);
    assert.deepEqual(Array.from(ds.images.subarray(0, 6)), [0, 0, 0, 10, 10, 10]);
    assert.deepEqual(ds.classNames, ['0', '1', '2']);

    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idxBytes([2], Uint8Array.from([2, 0])));
    const e = await dataError(() => loadDataset(dataConfig({ path: dir }), '/', 'train'));
    assert.match(e.message, /2 labels for 3 images/);
    const noTest = await dataError(() => loadDataset(dataConfig({ path: dir }), '/', 'test'));
    assert.match(noTest.message, /t10k-images-idx3-ubyte/);
  } finally {
    cleanup();
  }
});

void test('embedded Fashion-MNIST subset: 4,000 + 1,000 images, 400/100 per class, 28x28', async () => {
  assert.match(embeddedDatasetDir(), /embedded[/\\]fashion-mnist$/);
  const train = await loadDataset(dataConfig({ dataset: 'embedded' }), '/', 'train');
  const testSet = await loadDataset(dataConfig({ dataset: 'embedded', channels: 3 }), '/', 'test');
  assert.equal(train.count, 4000);
  assert.deepEqual(classCounts(train.labels), Array<number>(10).fill(400));
  assert.deepEqual(classCounts(testSet.labels), Array<number>(10).fill(100));
  assert.equal(train.height, 28);
  assert.equal(testSet.images.length, 1000 * 28 * 28 * 3);
  assert.equal(train.classNames[9], 'Ankle boot');
  const e = await dataError(() => embeddedDatasetDir('/nonexistent/dist'));
  assert.match(e.fix, /npm run build/);
});
