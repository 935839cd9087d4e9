/**
 * Nonsense the data cannot back is refused or clamped out loud: IDX files with a zero
 * dimension or labels that name no class, perClass beyond a class, a batch larger than
 * the images, and limit / heldOut / label budgets beyond the data (clamped, noted, and
 * the metric named by the budget used).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../../sidecar/config/configError';
import { resolveConfig } from '../../sidecar/config/resolveConfig';
import {
  budgetNotes,
  checkBatchSize,
  checkPerClass,
  labelBudgetNotes,
  labelBudgets,
} from '../../sidecar/data/budgets';
import { DataError } from '../../sidecar/data/errors';
import { readIdxFile } from '../../sidecar/data/idx';
import { loadIdxDataset } from '../../sidecar/data/idxDataset';
import type { ImageDataset } from '../../sidecar/data/types';
import { idxBytes, tempDir } from '../helpers/dataFixtures';

async function rejection<T extends Error>(
  promise: Promise<unknown>,
  type: new (...args: never[]) => T,
): Promise<T> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof type, `expected ${type.name}, got ${String(e)}`);
    return e;
  }
  return assert.fail(`expected a ${type.name}`);
}

function writeIdxPair(dir: string, dims: number[], labels: number[]): void {
  const n = dims.slice(1).reduce((a, b) => a * b, 1) * dims[0];
  writeFileSync(join(dir, 'train-images-idx3-ubyte'), idxBytes(dims, new Uint8Array(n)));
  writeFileSync(
    join(dir, 'train-labels-idx1-ubyte'),
    idxBytes([labels.length], Uint8Array.from(labels)),
  );
}

void test('an IDX file with a zero image dimension is refused, naming the dimension', async () => {
  const { dir, cleanup } = tempDir();
  try {
    writeIdxPair(dir, [3, 0, 28], [0, 1, 2]);
    const e = await rejection(readIdxFile(join(dir, 'train-images-idx3-ubyte')), DataError);
    assert.match(e.problem, /declares dimension 1 as 0 \(\[3, 0, 28\]\)/);
    assert.equal(e.offset, 8);
    // Gzipped, it is refused from the header, before anything is inflated.
    writeFileSync(join(dir, 'z.gz'), idxBytes([3, 28, 0], new Uint8Array(0), true));
    const z = await rejection(readIdxFile(join(dir, 'z.gz')), DataError);
    assert.match(z.problem, /dimension 2 as 0/);
  } finally {
    cleanup();
  }
});

void test('IDX labels that name no class: beyond classes.txt, or skipping values', async () => {
  const { dir, cleanup } = tempDir();
  try {
    writeIdxPair(dir, [4, 2, 2], [0, 1, 200, 1]);
    let e = await rejection(loadIdxDataset(dir, 'train', 'x'), DataError);
    assert.equal(e.file, join(dir, 'train-labels-idx1-ubyte'));
    assert.equal(e.offset, 8 + 2);
    assert.match(
      e.problem,
      /labels go up to 200 \(record 2\) but 198 of the values 0-200 have no images/,
    );
    assert.match(e.fix, /Renumber the labels 0\.\.K-1/);
    writeIdxPair(dir, [4, 2, 2], [0, 1, 5, 1]);
    writeFileSync(join(dir, 'classes.txt'), 'cat\ndog\nbird\n');
    e = await rejection(loadIdxDataset(dir, 'train', 'x'), DataError);
    assert.match(e.problem, /record 2 has label 5, but classes.txt names 3 classes \(0-2\)/);
    // Named classes may be empty: the user said they exist.
    writeIdxPair(dir, [3, 2, 2], [0, 2, 2]);
    const ok = await loadIdxDataset(dir, 'train', 'x');
    assert.deepEqual(ok.classNames, ['cat', 'dog', 'bird']);
  } finally {
    cleanup();
  }
});

const dataset = (labels: number[], classNames: string[]): ImageDataset => ({
  name: 'd',
  images: new Uint8Array(labels.length),
  labels: Int32Array.from(labels),
  count: labels.length,
  height: 1,
  width: 1,
  channels: 1,
  classNames,
});

void test('perClass beyond the smallest class and a batch beyond the images are config errors', () => {
  const train = dataset([0, 0, 0, 1, 1, 2, 2, 2], ['cat', 'dog', 'bird']);
  assert.throws(
    () => checkPerClass(3, train, '/c/x.scalenet.json'),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.file, '/c/x.scalenet.json');
      assert.equal(e.field, 'data.perClass');
      assert.match(
        e.problem,
        /asks for 3 training images of every class, but class "dog" has only 2/,
      );
      assert.match(e.fix, /at most 2/);
      return true;
    },
  );
  checkPerClass(2, train, 'f');
  const config = resolveConfig({ data: { limit: 20 } }, '/c/x.scalenet.json');
  assert.throws(
    () => checkBatchSize(64, 20, config, '/c/x.scalenet.json'),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.field, 'pretext.batchSize');
      assert.match(e.problem, /is 64, but the run trains on 20 images \(data\.limit 20\)/);
      assert.match(e.fix, /at most 20/);
      return true;
    },
  );
  checkBatchSize(20, 20, config, 'f');
});

void test('limit, heldOut and label budgets beyond the data are clamped, noted, renamed', () => {
  const train = dataset(
    Array.from({ length: 600 }, (_, i) => i % 3),
    ['a', 'b', 'c'],
  );
  const test = dataset(
    Array.from({ length: 90 }, (_, i) => i % 3),
    ['a', 'b', 'c'],
  );
  const config = resolveConfig(
    {
      data: { limit: 100000 },
      pretext: { heldOut: 500 },
      evaluation: { finetune: { labels: [60, 100000] }, linear: { labels: [5000, 9000] } },
    },
    '/c/x.scalenet.json',
  );
  assert.deepEqual(budgetNotes(config, train, test), [
    'data.limit 100000 is more than the 600 training images: using all 600',
    'pretext.heldOut 500 is more than the 90 test images: using all 90',
    'evaluation.finetune.labels 100000 is more than the 600 labelled training images: using all 600 (reported as finetune@600)',
    'evaluation.linear.labels 5000 is more than the 600 labelled training images: using all 600 (reported as linear@600)',
    'evaluation.linear.labels 9000 is more than the 600 labelled training images: using all 600 (reported as linear@600)',
  ]);
  // A separate labelled set (evaluation.data): label budgets left to that set's own count.
  assert.deepEqual(budgetNotes(config, train, test, null), [
    'data.limit 100000 is more than the 600 training images: using all 600',
    'pretext.heldOut 500 is more than the 90 test images: using all 90',
  ]);
  assert.deepEqual(labelBudgetNotes(config, test), [
    'evaluation.finetune.labels 100000 is more than the 90 labelled training images: using all 90 (reported as finetune@90)',
    'evaluation.linear.labels 5000 is more than the 90 labelled training images: using all 90 (reported as linear@90)',
    'evaluation.linear.labels 9000 is more than the 90 labelled training images: using all 90 (reported as linear@90)',
  ]);
  assert.deepEqual(labelBudgets([60, 100000], 600), [60, 600]);
  assert.deepEqual(labelBudgets([5000, 9000], 600), [600], 'two budgets that clamp alike run once');
  const fits = resolveConfig({ data: { limit: 100 } }, '/c/x.scalenet.json');
  assert.deepEqual(
    budgetNotes(
      {
        ...fits,
        evaluation: {
          ...fits.evaluation,
          finetune: { ...fits.evaluation.finetune, labels: [60] },
          linear: { ...fits.evaluation.linear, labels: [] },
        },
        pretext: { ...fits.pretext, heldOut: 90 },
      },
      train,
      test,
    ),
    [],
  );
});
