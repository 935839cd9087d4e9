/**
 * Decompression bombs are refused by what their headers declare, in a fraction of the
 * memory they would take: a 1.5 MB .gz IDX that inflates to 1.5 GB, and a valid PNG of
 * 12000x12000 pixels (432 MB of RGB) that compresses to a few hundred KB. Each is loaded
 * in a child process whose peak RSS the kernel reports (process.resourceUsage().maxRSS).
 * Before the bounds: 4.6 GB and 2.2 GB (and the PNG trained).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { idxBytes, tempDir } from '../helpers/dataFixtures';

/** Peak RSS the bomb may cost: well under 1 GB (node + tsx + sharp alone is ~150 MB). */
const RSS_BOUND_MB = 400;

interface ChildOutcome {
  ok: boolean;
  error?: string;
  errorName?: string;
  count?: number;
  maxRssMB: number;
}

function loadInChild(data: object): ChildOutcome {
  const out = execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(__dirname, '..', 'helpers', 'loadDatasetChild.ts'),
      JSON.stringify(data),
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as ChildOutcome;
}

/**
 * An IDX images file whose header declares one 28x28 image, followed by `extraMB` of
 * zeros: gzip members may be concatenated, so 10 MB of zeros compressed once and
 * repeated makes the bomb in milliseconds.
 */
function idxBomb(extraMB: number): Buffer {
  const valid = idxBytes([1, 28, 28], new Uint8Array(784), true);
  const tenMB = gzipSync(Buffer.alloc(10 * 1024 * 1024), { level: 9 });
  return Buffer.concat([valid, ...Array.from({ length: extraMB / 10 }, () => tenMB)]);
}

void test('a .gz IDX inflating to 1.5 GB stops at its header size: named error, small peak RSS', () => {
  const { dir, cleanup } = tempDir();
  try {
    const images = join(dir, 'train-images-idx3-ubyte.gz');
    writeFileSync(images, idxBomb(1500));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), idxBytes([1], new Uint8Array(1), true));
    assert.ok(statSync(images).size < 2 * 1024 * 1024, 'the bomb is under 2 MB compressed');
    const outcome = loadInChild({ dataset: 'idx', path: dir, channels: 1 });
    assert.equal(outcome.ok, false);
    assert.equal(outcome.errorName, 'DataError');
    assert.ok(outcome.error?.startsWith(images), outcome.error);
    assert.match(
      outcome.error ?? '',
      /inflates to more than the 800 bytes its IDX header declares \(\[1, 28, 28\]\)/,
    );
    assert.match(outcome.error ?? '', /decompression bomb/);
    assert.ok(outcome.maxRssMB < RSS_BOUND_MB, `peak RSS ${outcome.maxRssMB.toFixed(0)} MB`);
  } finally {
    cleanup();
  }
});

void test('a .gz IDX whose header declares 2 GB is refused before inflating any data', () => {
  const { dir, cleanup } = tempDir();
  try {
    const header = Buffer.alloc(16);
    header[2] = 0x08;
    header[3] = 3;
    [2_000_000, 32, 32].forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
    const images = join(dir, 'train-images-idx3-ubyte.gz');
    writeFileSync(images, gzipSync(Buffer.concat([header, Buffer.alloc(1024 * 1024)])));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), idxBytes([1], new Uint8Array(1), true));
    const outcome = loadInChild({ dataset: 'idx', path: dir, channels: 1 });
    assert.equal(outcome.ok, false);
    assert.match(outcome.error ?? '', /declares dimensions \[2000000, 32, 32\] = 2048000000 bytes/);
    assert.ok(outcome.maxRssMB < RSS_BOUND_MB, `peak RSS ${outcome.maxRssMB.toFixed(0)} MB`);
  } finally {
    cleanup();
  }
});

void test('a valid 12000x12000 PNG in an image folder is refused by its header: small peak RSS', async () => {
  const { dir, cleanup } = tempDir();
  try {
    for (const c of ['a', 'b']) mkdirSync(join(dir, c));
    const small = await sharp({
      create: { width: 8, height: 8, channels: 3, background: { r: 10, g: 20, b: 30 } },
    })
      .png()
      .toBuffer();
    writeFileSync(join(dir, 'a', '0.png'), small);
    writeFileSync(join(dir, 'b', '0.png'), small);
    const bomb = join(dir, 'b', '1.png');
    await sharp({
      create: { width: 12000, height: 12000, channels: 3, background: { r: 0, g: 0, b: 0 } },
      limitInputPixels: false,
    })
      .png({ compressionLevel: 9 })
      .toFile(bomb);
    assert.ok(statSync(bomb).size < 1024 * 1024, `the PNG is ${statSync(bomb).size} bytes`);
    const outcome = loadInChild({ dataset: 'folder', path: dir, channels: 3, imageSize: 8 });
    assert.equal(outcome.ok, false);
    assert.equal(outcome.errorName, 'DataError');
    assert.ok(outcome.error?.startsWith(bomb), outcome.error);
    assert.match(outcome.error ?? '', /declares 12000x12000 pixels \(144\.0 megapixels\)/);
    assert.match(outcome.error ?? '', /Downscale the image/);
    assert.ok(outcome.maxRssMB < RSS_BOUND_MB, `peak RSS ${outcome.maxRssMB.toFixed(0)} MB`);
  } finally {
    cleanup();
  }
});
