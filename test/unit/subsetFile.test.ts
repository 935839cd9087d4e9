import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError } from '../../sidecar/data/errors';
import { parseSubset, serializeSubset, type SubsetRecord } from '../../sidecar/data/subsetFile';

const ds = { name: 'fashion-mnist-train', count: 10 };
const record: SubsetRecord = {
  version: 1,
  dataset: 'fashion-mnist-train',
  datasetCount: 10,
  seed: 3,
  perClass: 1,
  indices: [1, 4, 7],
  heldOut: [2, 4],
  testCount: 5,
};
const test5 = { count: 5 };

void test('a subset file round-trips and is checked against the dataset', () => {
  assert.deepEqual(parseSubset(serializeSubset(record), 's.json', ds, test5), record);
  const cases: [Partial<SubsetRecord> | string, RegExp][] = [
    ['{', /not valid JSON/],
    [{ dataset: 'cifar10-train' }, /written for dataset "cifar10-train"/],
    [{ indices: [1, 10] }, /indices holds 10, outside 0\.\.9/],
    [{ heldOut: [2, 2] }, /heldOut lists image 2 twice/],
    [{ heldOut: [5] }, /heldOut holds 5, outside 0\.\.4/],
    [{ testCount: 6 }, /test split of 6 images/],
    [{ version: 2 as 1 }, /not a ScaleNet subset file/],
  ];
  for (const [change, message] of cases) {
    const text = typeof change === 'string' ? change : serializeSubset({ ...record, ...change });
    assert.throws(
      () => parseSubset(text, 's.json', ds, test5),
      (e: unknown) => e instanceof DataError && e.file === 's.json' && message.test(e.message),
    );
  }
});
