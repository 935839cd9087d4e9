/**
 * The built CLI (dist/cli.js) end to end, the way a user runs it: `scalenet harris` on a
 * PNG written here and `scalenet preview` on a small config, checking the files it writes.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { PNG } from 'pngjs';
import { harrisCorners } from '../../sidecar/transforms/harris';
import { tempDir } from '../helpers/sidecar';

const CLI = join(__dirname, '../../dist/cli.js');
const run = promisify(execFile);

function scalenet(...args: string[]) {
  return run(process.execPath, [CLI, ...args], { timeout: 60_000 });
}

interface CornersJson {
  parameters: { blockSize: number; ksize: number; k: number; threshold: number };
  images: {
    name: string;
    corners: number;
    scales: { width: number; height: number; corners: number; mask: string; harris: string }[];
  }[];
}

/** 32x32 black with a white square over rows and columns 8..23. */
function whiteSquare(): { png: Buffer; gray: Uint8Array } {
  const png = new PNG({ width: 32, height: 32 });
  const gray = new Uint8Array(32 * 32);
  for (let y = 0; y < 32; y++) {
    for (let x = 0; x < 32; x++) {
      const v = x >= 8 && x <= 23 && y >= 8 && y <= 23 ? 255 : 0;
      gray[y * 32 + x] = v;
      png.data.set([v, v, v, 255], (y * 32 + x) * 4);
    }
  }
  return { png: PNG.sync.write(png), gray };
}

describe('scalenet CLI', () => {
  it('info --backend NAME that cannot start: says why and exits 1 (no hang)', async () => {
    const started = Date.now();
    await assert.rejects(
      run(process.execPath, [CLI, 'info', '--backend', 'tensorflow'], { timeout: 30_000 }),
      (error: { code?: number; killed?: boolean; stderr?: string }) => {
        assert.equal(error.killed, false, 'exited by itself');
        assert.equal(error.code, 1);
        assert.match(
          error.stderr ?? '',
          /'tensorflow' compute backend was asked for but cannot be used: not installed/,
        );
        return true;
      },
    );
    assert.ok(Date.now() - started < 30_000);
  });

  it('harris: a white square has its 16 corner pixels at rows/cols 8, 9, 23, 24', async () => {
    const dir = tempDir('cli-harris');
    const square = whiteSquare();
    writeFileSync(join(dir, 'square.png'), square.png);
    const out = join(dir, 'out');
    const { stdout } = await scalenet('harris', join(dir, 'square.png'), '--out', out);
    assert.match(stdout, /square\s+corners 32x32: 16/);

    const report = JSON.parse(readFileSync(join(out, 'corners.json'), 'utf8')) as CornersJson;
    assert.deepEqual(report.parameters, { blockSize: 2, ksize: 3, k: 0.04, threshold: 0.01 });
    assert.equal(report.images.length, 1);
    assert.equal(report.images[0].corners, 16);
    const expected = harrisCorners(square.gray, 32, 32, 1);
    assert.equal(
      expected.reduce((a, b) => a + b, 0),
      16,
    );

    const mask = PNG.sync.read(readFileSync(join(out, report.images[0].scales[0].mask)));
    assert.deepEqual([mask.width, mask.height], [32, 32]);
    const found: [number, number][] = [];
    for (let p = 0; p < 32 * 32; p++) {
      assert.equal(mask.data[p * 4] === 255 ? 1 : 0, expected[p], `pixel ${p}`);
      if (mask.data[p * 4] === 255) found.push([Math.floor(p / 32), p % 32]);
    }
    const edges = new Set([8, 9, 23, 24]);
    assert.equal(found.length, 16);
    assert.ok(
      found.every(([y, x]) => edges.has(y) && edges.has(x)),
      JSON.stringify(found),
    );

    // The Harris image: the square with its corner pixels set to 255 (outside too).
    const harris = PNG.sync.read(readFileSync(join(out, 'square-harris.png')));
    assert.equal(harris.data[(8 * 32 + 8) * 4], 255);
    assert.equal(harris.data[(24 * 32 + 24) * 4], 255, 'corner just outside the square');
    assert.equal(harris.data[(25 * 32 + 25) * 4], 0);
    const overlay = PNG.sync.read(readFileSync(join(out, 'square-overlay.png')));
    assert.deepEqual(
      [...overlay.data.subarray((9 * 32 + 9) * 4, (9 * 32 + 9) * 4 + 3)],
      [255, 0, 0],
    );
  });

  it('harris: detector parameters from the command line reach the detector', async () => {
    const dir = tempDir('cli-harris-params');
    writeFileSync(join(dir, 'square.png'), whiteSquare().png);
    const out = join(dir, 'out');
    await scalenet('harris', dir, '--out', out, '--block-size', '3', '--ksize', '5', '--k', '0.06');
    const report = JSON.parse(readFileSync(join(out, 'corners.json'), 'utf8')) as CornersJson;
    const params = { blockSize: 3, ksize: 5, k: 0.06, threshold: 0.01 };
    assert.deepEqual(report.parameters, params);
    const expected = harrisCorners(whiteSquare().gray, 32, 32, 1, params);
    assert.equal(
      report.images[0].corners,
      expected.reduce((a, b) => a + b, 0),
    );
  });

  it('harris: a file that is not an image fails with its name and exit code 1', async () => {
    const dir = tempDir('cli-harris-bad');
    writeFileSync(join(dir, 'broken.png'), 'not a png');
    await assert.rejects(
      scalenet('harris', join(dir, 'broken.png'), '--out', join(dir, 'out')),
      (error: { code: number; stderr: string }) => {
        assert.equal(error.code, 1);
        assert.match(error.stderr, /broken\.png/);
        return true;
      },
    );
  });

  it('preview: a PNG grid as wide and high as the layout of images x (scale, mode)', async () => {
    const dir = tempDir('cli-preview');
    const config = join(dir, 'small.scalenet.json');
    writeFileSync(
      config,
      JSON.stringify({
        method: 'scalenet',
        data: { dataset: 'embedded', perClass: 5 },
        pretext: { scales: [0.5, 1], epochs: [1], lr: [0.1] },
      }),
    );
    const out = join(dir, 'out');
    const { stdout } = await scalenet('preview', config, '--out', out, '--count', '4');
    assert.match(stdout, /Scale 0\.5 \(14 px\): original, harris, gray, gray-harris, hybrid/);
    const png = PNG.sync.read(readFileSync(join(out, 'preview.png')));
    const layout = JSON.parse(readFileSync(join(out, 'preview.json'), 'utf8')) as {
      cellSize: number;
      separator: number;
      columns: unknown[];
      rows: unknown[];
    };
    // Embedded images are 28 px: the default zoom 3 gives 84-pixel cells.
    assert.equal(layout.cellSize, 84);
    assert.equal(layout.columns.length, 2 * 5);
    assert.equal(layout.rows.length, 4);
    assert.equal(png.width, 10 * 84 + 11 * layout.separator);
    assert.equal(png.height, 4 * 84 + 5 * layout.separator);
  });
});
