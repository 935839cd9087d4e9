import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PNG } from 'pngjs';
import sharp from 'sharp';
import { loadCifar10 } from '../../sidecar/data/cifar10';
import { ensureCifar10Archive } from '../../sidecar/data/cifarDownload';
import { DataError } from '../../sidecar/data/errors';
import { loadImageFolder } from '../../sidecar/data/folder';
import { cifarBytes, tarBytes, tempDir } from '../helpers/dataFixtures';

async function dataError(fn: () => unknown): Promise<DataError> {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof DataError, `expected a DataError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a DataError');
}

// Pixel (record r, channel c, y, x) has a value that identifies it after the CHW → HWC move.
const pixel = (r: number, c: number, y: number, x: number): number => r * 50 + c * 7 + y * 3 + x;

function writeCifarFolder(dir: string, recordsPerBatch = 2): void {
  for (let b = 1; b <= 5; b++) {
    const labels = Array.from({ length: recordsPerBatch }, (_, i) => (b + i) % 10);
    writeFileSync(join(dir, `data_batch_${b}.bin`), cifarBytes(labels, pixel));
  }
  writeFileSync(join(dir, 'test_batch.bin'), cifarBytes([3, 9, 0], pixel));
}

void test('CIFAR-10 binary: five training batches in order, planes → HWC, labels, class names', async () => {
  const { dir, cleanup } = tempDir();
  try {
    writeCifarFolder(dir);
    const train = await loadCifar10(dir, 'train');
    assert.equal(train.count, 10);
    assert.deepEqual(Array.from(train.labels), [1, 2, 2, 3, 3, 4, 4, 5, 5, 6]);
    // Image 3 = batch 2 record 1; HWC pixel (y=5, x=7) channel 2.
    assert.equal(train.images[3 * 3072 + (5 * 32 + 7) * 3 + 2], pixel(1, 2, 5, 7));
    assert.equal(train.images[(31 * 32 + 31) * 3], pixel(0, 0, 31, 31) & 255);
    assert.equal(train.classNames[3], 'cat');
    const testSet = await loadCifar10(dir, 'test');
    assert.deepEqual(Array.from(testSet.labels), [3, 9, 0]);
  } finally {
    cleanup();
  }
});

void test('CIFAR-10 archive read in memory: cifar-10-binary.tar.gz with the batches folder', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const names = [
      'data_batch_1',
      'data_batch_2',
      'data_batch_3',
      'data_batch_4',
      'data_batch_5',
      'test_batch',
    ];
    const files = names.map((n, i) => ({
      name: `cifar-10-batches-bin/${n}.bin`,
      data: cifarBytes([i], pixel),
    }));
    files.unshift({
      name: 'cifar-10-batches-bin/batches.meta.txt',
      data: Buffer.from('airplane\n'),
    });
    writeFileSync(join(dir, 'cifar-10-binary.tar.gz'), gzipSync(tarBytes(files)));
    const train = await loadCifar10(dir, 'train');
    assert.deepEqual(Array.from(train.labels), [0, 1, 2, 3, 4]);
    assert.equal(train.images[3072 + 1], pixel(0, 1, 0, 0));
    const t = await loadCifar10(join(dir, 'cifar-10-binary.tar.gz'), 'test');
    assert.deepEqual(Array.from(t.labels), [5]);
  } finally {
    cleanup();
  }
});

void test('CIFAR-10 errors: truncated record, bad label, missing batch, nothing there', async () => {
  const { dir, cleanup } = tempDir();
  try {
    writeCifarFolder(dir);
    const good = cifarBytes([1, 2, 3], pixel);
    writeFileSync(join(dir, 'data_batch_3.bin'), good.subarray(0, 2 * 3073 + 100));
    let e = await dataError(() => loadCifar10(dir, 'train'));
    assert.equal(e.file, join(dir, 'data_batch_3.bin'));
    assert.equal(e.offset, 2 * 3073);
    assert.match(e.message, /data_batch_3\.bin \(byte offset 6146\).*record 2 is incomplete/);

    const bad = Buffer.from(good);
    bad[3073] = 12;
    writeFileSync(join(dir, 'data_batch_3.bin'), bad);
    e = await dataError(() => loadCifar10(dir, 'train'));
    assert.equal(e.offset, 3073);
    assert.match(e.message, /record 1 has label 12/);

    writeFileSync(join(dir, 'data_batch_3.bin'), good);
    rmSync(join(dir, 'data_batch_4.bin'));
    e = await dataError(() => loadCifar10(dir, 'train'));
    assert.match(e.message, /missing data_batch_4\.bin/);

    e = await dataError(() => loadCifar10(join(dir, 'nowhere'), 'train'));
    assert.match(e.fix, /cifar-10-binary\.tar\.gz.*nowhere/);
    mkdirSync(join(dir, 'empty'));
    e = await dataError(() => loadCifar10(join(dir, 'empty'), 'test'));
    assert.match(e.message, /no CIFAR-10 files/);

    writeFileSync(
      join(dir, 'cut.tar.gz'),
      gzipSync(tarBytes([{ name: 'x', data: good }])).subarray(0, 500),
    );
    e = await dataError(() => loadCifar10(join(dir, 'cut.tar.gz'), 'train'));
    assert.match(e.message, /gzip stream is corrupt or truncated/);
  } finally {
    cleanup();
  }
});

void test('CIFAR-10 download offline: an error saying where to put the archive', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const fetchImpl = (): Promise<Response> => Promise.reject(new Error('getaddrinfo ENOTFOUND'));
    const e = await dataError(() => ensureCifar10Archive(dir, { fetchImpl }));
    assert.match(e.message, /ENOTFOUND/);
    assert.match(e.fix, /copy it to .*cifar-10-binary\.tar\.gz/);
  } finally {
    cleanup();
  }
});

function writePng(
  file: string,
  w: number,
  h: number,
  rgba: (x: number, y: number) => number[],
): void {
  const png = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) png.data.set(rgba(x, y), (y * w + x) * 4);
  writeFileSync(file, PNG.sync.write(png));
}

void test('image folders: classes sorted, PNGs resized to the declared size, test split separate', async () => {
  const { dir, cleanup } = tempDir();
  try {
    for (const split of ['train', 'test']) {
      for (const cls of ['dog', 'cat']) mkdirSync(join(dir, split, cls), { recursive: true });
    }
    // 8x8 red image with value 10*x in green: resized to 4x4 keeps columns 0, 2, 4, 6.
    writePng(join(dir, 'train', 'dog', 'a.png'), 8, 8, (x) => [200, 10 * x, 0, 255]);
    writePng(join(dir, 'train', 'cat', 'b.png'), 4, 4, () => [1, 2, 3, 255]);
    writePng(join(dir, 'train', 'cat', 'c.png'), 2, 2, () => [9, 9, 9, 255]);
    writePng(join(dir, 'test', 'cat', 'd.png'), 4, 4, () => [5, 5, 5, 255]);
    writePng(join(dir, 'test', 'dog', 'e.png'), 4, 4, () => [6, 6, 6, 255]);
    const ds = await loadImageFolder(dir, 'train', { imageSize: 4 });
    assert.deepEqual(ds.classNames, ['cat', 'dog']);
    assert.deepEqual(Array.from(ds.labels), [0, 0, 1]);
    assert.equal(ds.count, 3);
    assert.deepEqual(
      Array.from(ds.images.subarray(2 * 48, 2 * 48 + 12)),
      [200, 0, 0, 200, 20, 0, 200, 40, 0, 200, 60, 0],
    );
    assert.deepEqual(Array.from(ds.images.subarray(48, 51)), [9, 9, 9]);
    const t = await loadImageFolder(dir, 'test', { imageSize: 4 });
    assert.deepEqual(Array.from(t.labels), [0, 1]);
  } finally {
    cleanup();
  }
});

void test('image folder errors: empty class, corrupt PNG, corrupt JPEG, no test split', async () => {
  const { dir, cleanup } = tempDir();
  try {
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'b'));
    writePng(join(dir, 'a', '1.png'), 4, 4, () => [0, 0, 0, 255]);
    let e = await dataError(() => loadImageFolder(dir, 'train'));
    assert.equal(e.file, join(dir, 'b'));
    assert.match(e.message, /holds no PNG or JPEG/);
    writeFileSync(join(dir, 'b', 'broken.png'), Buffer.from('\x89PNG\r\n\x1a\nnot really'));
    e = await dataError(() => loadImageFolder(dir, 'train'));
    assert.equal(e.file, join(dir, 'b', 'broken.png'));
    assert.match(e.message, /cannot decode/);
    rmSync(join(dir, 'b', 'broken.png'));
    writeFileSync(join(dir, 'b', 'photo.jpg'), Buffer.from([0xff, 0xd8, 0xff]));
    e = await dataError(() => loadImageFolder(dir, 'train'));
    assert.equal(e.file, join(dir, 'b', 'photo.jpg'));
    assert.match(e.message, /cannot decode the image/);
    // JPEG is always decoded now (libvips); a flat gray JPEG is read and resized exactly.
    const flat = Buffer.alloc(2 * 2 * 3, 77);
    writeFileSync(
      join(dir, 'b', 'photo.jpg'),
      await sharp(flat, { raw: { width: 2, height: 2, channels: 3 } })
        .jpeg()
        .toBuffer(),
    );
    const ds = await loadImageFolder(dir, 'train', { imageSize: 4 });
    assert.deepEqual(Array.from(ds.images.subarray(48, 51)), [77, 77, 77]);
    e = await dataError(() => loadImageFolder(dir, 'test'));
    assert.match(e.message, /no test\/ folder/);
    mkdirSync(join(dir, 'empty'));
    e = await dataError(() => loadImageFolder(join(dir, 'empty'), 'train'));
    assert.match(e.message, /no class subfolders/);
  } finally {
    cleanup();
  }
});
