/**
 * The image decoder (libvips via sharp) against a reference decoded by OpenCV 4.6
 * (`cv2.imread`, libjpeg-turbo): test/fixtures/images/colour-420.jpg is a 48x32 colour
 * JPEG with 4:2:0 chroma subsampling, written by `cv2.imwrite(..., quality 80)`, and
 * colour-420.opencv.png is what `cv2.imread` returned for it, stored losslessly. jpeg-js,
 * the decoder before, differed from this reference by up to tens of levels.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import sharp from 'sharp';
import { decodeImage } from '../../sidecar/data/decodeImage';
import { DataError } from '../../sidecar/data/errors';

const fixtures = join(__dirname, '..', 'fixtures', 'images');

void test('a colour 4:2:0 JPEG decodes exactly as OpenCV (libjpeg-turbo) decodes it', async () => {
  const jpeg = readFileSync(join(fixtures, 'colour-420.jpg'));
  const reference = PNG.sync.read(readFileSync(join(fixtures, 'colour-420.opencv.png')));
  const decoded = await decodeImage(jpeg, 'colour-420.jpg');
  assert.deepEqual([decoded.width, decoded.height], [48, 32]);
  let maxDiff = 0;
  let differing = 0;
  for (let p = 0; p < 48 * 32; p++) {
    for (let c = 0; c < 3; c++) {
      const d = Math.abs(decoded.data[3 * p + c] - reference.data[4 * p + c]);
      maxDiff = Math.max(maxDiff, d);
      if (d > 0) differing++;
    }
  }
  assert.equal(maxDiff, 0, `max difference to OpenCV ${maxDiff} (${differing} values differ)`);
});

void test('gray, gray+alpha and palette PNGs become RGB with alpha dropped', async () => {
  const raw = (data: number[], channels: 1 | 2 | 3) =>
    sharp(Buffer.from(data), { raw: { width: 2, height: 2, channels } });
  const gray = await decodeImage(await raw([10, 20, 30, 40], 1).png().toBuffer(), 'g.png');
  assert.deepEqual(Array.from(gray.data), [10, 10, 10, 20, 20, 20, 30, 30, 30, 40, 40, 40]);
  const grayAlpha = await raw([10, 255, 20, 255, 30, 0, 40, 9], 2).png().toBuffer();
  assert.deepEqual(
    Array.from((await decodeImage(grayAlpha, 'ga.png')).data),
    [10, 10, 10, 20, 20, 20, 30, 30, 30, 40, 40, 40],
  );
  const rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255];
  const palette = await raw(rgb, 3).png({ palette: true }).toBuffer();
  assert.deepEqual(Array.from((await decodeImage(palette, 'p.png')).data), rgb);
});

void test('an image whose header declares too many pixels is refused before decoding', async () => {
  const png = await sharp({
    create: { width: 300, height: 200, channels: 3, background: { r: 1, g: 2, b: 3 } },
  })
    .png()
    .toBuffer();
  await assert.rejects(decodeImage(png, 'big.png', 59_999), (e: unknown) => {
    assert.ok(e instanceof DataError);
    assert.equal(e.file, 'big.png');
    assert.match(e.problem, /declares 300x200 pixels/);
    assert.match(e.fix, /Downscale the image/);
    return true;
  });
  assert.equal((await decodeImage(png, 'big.png', 60_000)).data.length, 300 * 200 * 3);
});

void test('a GIF, a truncated PNG and bytes that are no image are named data errors', async () => {
  const gif = await sharp(Buffer.from([1, 2, 3]), { raw: { width: 1, height: 1, channels: 3 } })
    .gif()
    .toBuffer();
  await assert.rejects(decodeImage(gif, 'x.gif'), /x\.gif: the file is a GIF image/);
  const png = await sharp(Buffer.alloc(64 * 64 * 3, 9), {
    raw: { width: 64, height: 64, channels: 3 },
  })
    .png({ compressionLevel: 0 })
    .toBuffer();
  await assert.rejects(
    decodeImage(png.subarray(0, 200), 't.png'),
    /t\.png: cannot decode the image/,
  );
  await assert.rejects(decodeImage(Buffer.from('hello'), 'h.png'), /h\.png: cannot decode/);
});
