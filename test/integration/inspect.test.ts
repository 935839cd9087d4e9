/**
 * The requests that show the data before training, over the real sidecar: Harris
 * previews agree with harrisCorners computed here on the same pixels at every scale,
 * every image is a PNG of the size that scale gives, data/inspect counts the embedded
 * set's classes, and bad configs or datasets come back as errors naming the file.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { PNG } from 'pngjs';
import { ResponseError } from 'vscode-jsonrpc/node';
import { loadDataset } from '../../sidecar/data/dataset';
import {
  DataInspectRequest,
  DataPreviewRequest,
  HarrisPreviewRequest,
  InspectErrorCode,
  ShutdownRequest,
  type DataConfig,
  type LocatedErrorData,
} from '../../sidecar/protocol';
import { DEFAULT_HARRIS, harrisCorners, harrisImage } from '../../sidecar/transforms/harris';
import { resizeByAlpha } from '../../sidecar/transforms/resize';
import { startSidecar, tempDir, type TestSidecar } from '../helpers/sidecar';

function decode(base64: string): PNG {
  return PNG.sync.read(Buffer.from(base64, 'base64'));
}

/** The PNG's pixels as HWC with `channels` channels (gray PNGs decode to equal RGB). */
function pixelsOf(png: PNG, channels: number): Uint8Array {
  const out = new Uint8Array(png.width * png.height * channels);
  for (let p = 0; p < png.width * png.height; p++)
    for (let c = 0; c < channels; c++) out[p * channels + c] = png.data[p * 4 + c];
  return out;
}

function writePng(file: string, w: number, h: number, rgb: (x: number, y: number) => number[]) {
  const png = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) png.data.set([...rgb(x, y), 255], (y * w + x) * 4);
  writeFileSync(file, PNG.sync.write(png));
}

/** What training feeds the detector at `alpha`: bilinear resize rounded to bytes. */
function atScale(img: Uint8Array, h: number, w: number, c: number, alpha: number) {
  if (alpha === 1) return { data: img, height: h, width: w };
  const r = resizeByAlpha(img, h, w, c, alpha);
  return { ...r, data: Uint8Array.from(r.data, (v) => Math.round(v)) };
}

const sum = (mask: Uint8Array) => mask.reduce((a, b) => a + b, 0);

describe('seeing the data over JSON-RPC', () => {
  let sidecar: TestSidecar;
  let workDir: string;

  before(async () => {
    workDir = tempDir('inspect');
    sidecar = await startSidecar();
  });

  after(async () => {
    if (sidecar.child.exitCode === null) {
      await sidecar.connection.sendRequest(ShutdownRequest.type, {});
      assert.equal(await sidecar.exit(), 0);
    }
  });

  const writeConfig = (name: string, config: unknown): string => {
    const path = join(workDir, name);
    writeFileSync(path, typeof config === 'string' ? config : JSON.stringify(config));
    return path;
  };

  it('harris/preview of PNG files: corners, masks and Harris images equal harrisCorners at each scale', async () => {
    const dir = join(workDir, 'pngs');
    mkdirSync(dir);
    const files = {
      square: [
        32,
        32,
        (x: number, y: number) => (x >= 8 && x <= 23 && y >= 8 && y <= 23 ? 255 : 0),
      ],
      flat: [20, 20, () => 128],
      // Not square, coloured: the sides are scaled separately.
      blocks: [40, 24, (x: number, y: number) => (((x >> 3) + (y >> 2)) % 3 === 0 ? 200 : 30)],
    } as const;
    for (const [name, [w, h, f]] of Object.entries(files)) {
      writePng(join(dir, `${name}.png`), w, h, (x, y) => [f(x, y), (f(x, y) * 3) % 256, 90]);
    }
    const paths = Object.keys(files).map((n) => join(dir, `${n}.png`));
    const result = await sidecar.connection.sendRequest(HarrisPreviewRequest.type, {
      source: { kind: 'files', paths },
      scales: [0.5, 1],
    });
    assert.deepEqual(result.harris, DEFAULT_HARRIS);
    assert.equal(result.images.length, 3);
    const squareCorners = result.images[0].corners;
    assert.equal(squareCorners, 16, 'four 2x2 neighbourhoods of the white square');
    assert.equal(result.images[1].corners, 0, 'a constant image has no corners');
    assert.ok(
      result.images[2].scales.every((v) => v.corners > 0),
      'the blocks have corners',
    );
    result.images.forEach((img, i) => {
      assert.equal(img.file, paths[i]);
      const [w, h] = Object.values(files)[i];
      const source = pixelsOf(decode(img.scales[1].original), 3);
      for (const view of img.scales) {
        const scaled = atScale(source, h, w, 3, view.scale);
        assert.equal(view.width, scaled.width);
        assert.equal(view.height, scaled.height);
        const mask = harrisCorners(scaled.data, scaled.height, scaled.width, 3);
        assert.equal(view.corners, sum(mask), `${img.file} at ${view.scale}`);
        const maskPng = decode(view.mask);
        assert.deepEqual(
          pixelsOf(maskPng, 1),
          Uint8Array.from(mask, (m) => m * 255),
        );
        assert.deepEqual(
          pixelsOf(decode(view.harris), 3),
          harrisImage(scaled.data, scaled.height, scaled.width, 3),
        );
        for (const key of ['original', 'overlay', 'gray', 'grayHarris'] as const) {
          const png = decode(view[key]);
          assert.deepEqual([png.width, png.height], [scaled.width, scaled.height], key);
        }
        // Overlay: corners red, the rest the image.
        const overlay = pixelsOf(decode(view.overlay), 3);
        mask.forEach((m, p) => {
          const expected = m ? [255, 0, 0] : [...scaled.data.subarray(p * 3, p * 3 + 3)];
          assert.deepEqual([...overlay.subarray(p * 3, p * 3 + 3)], expected);
        });
      }
    });
  });

  it('harris/preview of 16 embedded images matches harrisCorners at every scale, well under a second', async () => {
    const configPath = writeConfig('embedded.scalenet.json', {
      method: 'scalenet',
      data: { dataset: 'embedded', channels: 3, perClass: 20, harris: { threshold: 0.05 } },
      pretext: { scales: [0.5, 0.75, 1], epochs: [1], lr: [0.1] },
    });
    const request = () =>
      sidecar.connection.sendRequest(HarrisPreviewRequest.type, {
        source: { kind: 'config', configPath },
        count: 16,
      });
    await request();
    const started = performance.now();
    const result = await request();
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 1000, `16 images x 3 scales took ${elapsed.toFixed(0)} ms`);
    assert.deepEqual(result.scales, [0.5, 0.75, 1]);
    assert.equal(result.harris.threshold, 0.05, 'the config parameters are used');
    assert.equal(result.images.length, 16);

    const data = { dataset: 'embedded', channels: 3 } as DataConfig;
    const ds = await loadDataset(data, workDir, 'train');
    const bytes = ds.height * ds.width * 3;
    let total = 0;
    for (const img of result.images) {
      assert.equal(img.className, ds.classNames[ds.labels[img.index!]]);
      const source = ds.images.subarray(img.index! * bytes, (img.index! + 1) * bytes);
      for (const view of img.scales) {
        const scaled = atScale(source, 28, 28, 3, view.scale);
        const expected = sum(
          harrisCorners(scaled.data, scaled.height, scaled.width, 3, result.harris),
        );
        assert.equal(view.corners, expected, `image ${img.index} at ${view.scale}`);
        const png = decode(view.harris);
        const side = Math.round(28 * view.scale);
        assert.deepEqual(
          [png.width, png.height, view.width, view.height],
          [side, side, side, side],
        );
        total += view.corners;
      }
      assert.equal(img.corners, img.scales[2].corners, 'the image count is the full-scale count');
    }
    assert.ok(total > 0);

    // Explicit indices and overridden parameters.
    const picked = await sidecar.connection.sendRequest(HarrisPreviewRequest.type, {
      source: { kind: 'config', configPath },
      indices: [7],
      split: 'test',
      scales: [1],
      harris: { blockSize: 3, ksize: 5 },
    });
    const test = await loadDataset(data, workDir, 'test');
    const params = { ...result.harris, blockSize: 3, ksize: 5 };
    assert.deepEqual(picked.harris, params);
    assert.equal(
      picked.images[0].corners,
      sum(harrisCorners(test.images.subarray(7 * bytes, 8 * bytes), 28, 28, 3, params)),
    );
  });

  it('data/inspect of the embedded set: 10 classes, 400 train and 100 test images per class', async () => {
    const configPath = writeConfig('inspect.scalenet.json', {
      method: 'rotnet',
      data: { dataset: 'embedded', perClass: 25 },
      pretext: { heldOut: 300 },
    });
    const result = await sidecar.connection.sendRequest(DataInspectRequest.type, {
      configPath,
      samples: 12,
    });
    assert.equal(result.name, 'fashion-mnist');
    assert.equal(result.classNames.length, 10);
    assert.equal(result.classNames[9], 'Ankle boot');
    assert.deepEqual(result.train, { count: 4000, classCounts: new Array(10).fill(400) });
    assert.deepEqual(result.test, { count: 1000, classCounts: new Array(10).fill(100) });
    assert.deepEqual([result.height, result.width, result.channels], [28, 28, 1]);
    assert.deepEqual(result.subset, {
      selection: 'perClass',
      pretext: 250,
      pretextClassCounts: new Array(10).fill(25),
      heldOut: 300,
    });
    assert.deepEqual(result.scales, [{ scale: 1, size: 28 }]);
    assert.equal(result.samples.length, 12);
    // Spread over the classes: the first ten samples are one of each.
    assert.deepEqual(
      result.samples.slice(0, 10).map((s) => s.label),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    const ds = await loadDataset(
      { dataset: 'embedded', channels: 1 } as DataConfig,
      workDir,
      'train',
    );
    for (const sample of result.samples) {
      const png = decode(sample.png);
      assert.deepEqual([png.width, png.height], [28, 28]);
      assert.deepEqual(
        pixelsOf(png, 1),
        ds.images.subarray(sample.index * 784, (sample.index + 1) * 784),
      );
    }
  });

  it('data/inspect of a JPEG folder resizes to data.imageSize and reports a missing test split', async () => {
    const root = join(workDir, 'jpegs');
    for (const [c, name] of ['cats', 'dogs'].entries()) {
      mkdirSync(join(root, name), { recursive: true });
      for (let i = 0; i < 3 + c; i++) {
        const data = Buffer.alloc(24 * 16 * 3, 60 + 50 * c + 20 * i);
        const jpeg = await sharp(data, { raw: { width: 24, height: 16, channels: 3 } })
          .jpeg({ quality: 95 })
          .toBuffer();
        writeFileSync(join(root, name, `${i}.jpg`), jpeg);
      }
    }
    const configPath = writeConfig('folder.scalenet.json', {
      data: { dataset: 'folder', path: 'jpegs', imageSize: 12, channels: 3 },
    });
    const result = await sidecar.connection.sendRequest(DataInspectRequest.type, { configPath });
    assert.deepEqual(result.classNames, ['cats', 'dogs']);
    assert.deepEqual(result.train, { count: 7, classCounts: [3, 4] });
    assert.deepEqual([result.height, result.width, result.channels], [12, 12, 3]);
    assert.equal(result.test, undefined);
    assert.match(result.testProblem!.file, /jpegs[/\\]test$/);
    assert.equal(result.subset.heldOut, 0);
    const sample = decode(result.samples[0].png);
    assert.deepEqual([sample.width, sample.height], [12, 12]);
  });

  it('data/preview: a grid of every input mode at every scale, sized as the layout says', async () => {
    const configPath = writeConfig('grid.scalenet.json', {
      method: 'scalenet',
      data: { dataset: 'embedded', inputMode: 'hybrid', limit: 50 },
      pretext: { scales: [0.5, 1], epochs: [1], lr: [0.1] },
    });
    const result = await sidecar.connection.sendRequest(DataPreviewRequest.type, {
      configPath,
      count: 3,
      zoom: 2,
    });
    assert.equal(result.cellSize, 56);
    const modes = ['original', 'harris', 'gray', 'gray-harris', 'hybrid'];
    assert.deepEqual(
      result.columns.map((c) => `${c.mode}@${c.scale}:${c.size}`),
      [...modes.map((m) => `${m}@0.5:14`), ...modes.map((m) => `${m}@1:28`)],
    );
    const sep = result.separator;
    assert.ok(sep >= 1);
    assert.equal(result.width, 10 * 56 + 11 * sep);
    assert.equal(result.height, 3 * 56 + 4 * sep);
    const png = decode(result.png);
    assert.deepEqual([png.width, png.height], [result.width, result.height]);
    assert.equal(result.rows.length, 3);

    // Cell (row 0, column 5) is the full-scale original, each pixel a 2x2 block.
    const ds = await loadDataset(
      { dataset: 'embedded', channels: 1 } as DataConfig,
      workDir,
      'train',
    );
    const index = result.rows[0].index;
    const left = sep + 5 * (56 + sep);
    for (const [y, x] of [
      [0, 0],
      [14, 14],
      [20, 9],
      [27, 27],
    ]) {
      for (const [dy, dx] of [
        [0, 0],
        [1, 1],
      ]) {
        const at = ((sep + 2 * y + dy) * png.width + left + 2 * x + dx) * 4;
        assert.equal(png.data[at], ds.images[index * 784 + y * 28 + x], `pixel ${y},${x}`);
      }
    }
  });

  it('a broken config, a missing file and a broken dataset come back as errors naming the file', async () => {
    const expectError = async (
      send: () => Promise<unknown>,
      code: number,
      check: (data: LocatedErrorData) => void,
    ) => {
      await assert.rejects(send(), (error: unknown) => {
        assert.ok(error instanceof ResponseError, String(error));
        assert.equal(error.code, code, error.message);
        check(error.data as LocatedErrorData);
        return true;
      });
    };
    const corrupt = writeConfig('corrupt.scalenet.json', '{ "data": { "dataset": ');
    await expectError(
      () => sidecar.connection.sendRequest(DataInspectRequest.type, { configPath: corrupt }),
      InspectErrorCode.config,
      (data) => {
        assert.equal(data.file, corrupt);
        assert.match(data.fix, /JSON/);
      },
    );
    const missing = join(workDir, 'nowhere.scalenet.json');
    await expectError(
      () =>
        sidecar.connection.sendRequest(HarrisPreviewRequest.type, {
          source: { kind: 'config', configPath: missing },
        }),
      InspectErrorCode.config,
      (data) => assert.equal(data.file, missing),
    );
    const badField = writeConfig('field.scalenet.json', { data: { inputMode: 'sepia' } });
    await expectError(
      () => sidecar.connection.sendRequest(DataPreviewRequest.type, { configPath: badField }),
      InspectErrorCode.config,
      (data) => assert.equal(data.field, 'data.inputMode'),
    );
    mkdirSync(join(workDir, 'empty'));
    const emptyFolder = writeConfig('empty.scalenet.json', {
      data: { dataset: 'folder', path: 'empty' },
    });
    await expectError(
      () => sidecar.connection.sendRequest(DataInspectRequest.type, { configPath: emptyFolder }),
      InspectErrorCode.data,
      (data) => assert.equal(data.file, join(workDir, 'empty')),
    );
    const notPng = join(workDir, 'not.png');
    writeFileSync(notPng, 'hello');
    await expectError(
      () =>
        sidecar.connection.sendRequest(HarrisPreviewRequest.type, {
          source: { kind: 'files', paths: [notPng] },
        }),
      InspectErrorCode.data,
      (data) => assert.equal(data.file, notPng),
    );
    await expectError(
      () =>
        sidecar.connection.sendRequest(HarrisPreviewRequest.type, {
          source: { kind: 'data', data: { dataset: 'embedded' }, baseDir: workDir },
          harris: { ksize: 4 },
        }),
      InspectErrorCode.invalidParams,
      () => undefined,
    );
    // None of it hurt the sidecar.
    assert.equal(sidecar.child.exitCode, null);
    const ok = await sidecar.connection.sendRequest(HarrisPreviewRequest.type, {
      source: { kind: 'data', data: { dataset: 'embedded' }, baseDir: workDir },
      count: 2,
    });
    assert.equal(ok.images.length, 2);
  });
});
