// Makes the embedded default dataset: a stratified, seeded subset of Fashion-MNIST
// (4,000 training images = 400 per class, the paper's limited-data budget, and 1,000
// test images = 100 per class), written as gzipped IDX files the IDX loader reads.
// Source: Debian's dataset-fashion-mnist (`apt-get install -y dataset-fashion-mnist`).
// Run: node --import tsx scripts/make-embedded-dataset.mjs [sourceDir]
// It uses the product's own IDX parser and subset selection, so the subset it picks is
// the one `selectSubset(labels, { perClass, seed })` gives anywhere.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { readIdxFile } from '../sidecar/data/idx.ts';
import { selectSubset } from '../sidecar/data/subset.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = process.argv[2] ?? '/usr/share/datasets/fashion-mnist';
const outDir = join(root, 'sidecar/data/embedded/fashion-mnist');
const SEED = 2021;
const splits = [
  { prefix: 'train', perClass: 400 },
  { prefix: 't10k', perClass: 100 },
];

/**
 * @param {number[]} dims
 * @param {Uint8Array} data
 */
function idxBytes(dims, data) {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  // mtime is not stored by zlib's gzip, so the output is byte-for-byte reproducible.
  return gzipSync(Buffer.concat([header, Buffer.from(data)]), { level: 9 });
}

mkdirSync(outDir, { recursive: true });
/** @type {Record<string, number[]>} */
const chosen = {};
for (const { prefix, perClass } of splits) {
  const images = await readIdxFile(join(source, `${prefix}-images-idx3-ubyte.gz`));
  const labels = await readIdxFile(join(source, `${prefix}-labels-idx1-ubyte.gz`));
  const [n, h, w] = images.dims;
  const idx = selectSubset(labels.data, { perClass, seed: SEED });
  const outImages = new Uint8Array(idx.length * h * w);
  const outLabels = new Uint8Array(idx.length);
  idx.forEach((src, i) => {
    outImages.set(images.data.subarray(src * h * w, (src + 1) * h * w), i * h * w);
    outLabels[i] = labels.data[src];
  });
  writeFileSync(
    join(outDir, `${prefix}-images-idx3-ubyte.gz`),
    idxBytes([idx.length, h, w], outImages),
  );
  writeFileSync(join(outDir, `${prefix}-labels-idx1-ubyte.gz`), idxBytes([idx.length], outLabels));
  chosen[prefix] = Array.from(idx);
  console.log(`${prefix}: ${idx.length} of ${n} images (${perClass} per class)`);
}
writeFileSync(
  join(outDir, 'source-indices.json'),
  JSON.stringify({ seed: SEED, ...chosen }) + '\n',
);

const copyright = '/usr/share/doc/dataset-fashion-mnist/copyright';
// The licence text is the copyright file's last paragraph, "License: Expat" + indented text.
const copyrightLines = existsSync(copyright) ? readFileSync(copyright, 'utf8').split('\n') : [];
const licence = copyrightLines.slice(copyrightLines.lastIndexOf('License: Expat') + 1).join('\n');
writeFileSync(
  join(outDir, 'LICENSE'),
  `Fashion-MNIST images and labels\nCopyright (c) 2017 Zalando SE, https://tech.zalando.com\n` +
    `Source: https://github.com/zalandoresearch/fashion-mnist\n\nThe MIT License (MIT)\n\n` +
    (copyrightLines.length > 0
      ? licence.replace(/^ \.$/gm, '').replace(/^ /gm, '').trim() + '\n'
      : mitText()),
);
writeFileSync(
  join(outDir, 'README.md'),
  `# Embedded Fashion-MNIST subset\n\n` +
    `Made by \`node --import tsx scripts/make-embedded-dataset.mjs\` from Debian's ` +
    `dataset-fashion-mnist: a stratified subset chosen with seed ${SEED} by ` +
    `\`selectSubset(labels, { perClass, seed })\` — 4,000 training images (400 per class, ` +
    `the paper's limited-data budget) and 1,000 test images (100 per class), in the ` +
    `original order of the source files. \`source-indices.json\` lists the chosen indices ` +
    `into the full 60,000/10,000 files. Licence: MIT (Zalando SE), see LICENSE.\n\n` +
    `Classes (label 0-9): T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, ` +
    `Sneaker, Bag, Ankle boot.\n`,
);

function mitText() {
  return `Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files (the "Software"), to deal in the Software without restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the following conditions:\n\nThe above copyright notice and this permission notice shall be included in all copies or substantial portions of the Software.\n\nTHE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.\n`;
}
