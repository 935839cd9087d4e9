import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measurePipeline } from '../../bench/pipeline';

void test('measurePipeline runs the whole input pipeline on the embedded subset and reports throughput', async () => {
  const r = await measurePipeline({
    perClass: 5,
    epochs: 2,
    inputMode: 'hybrid',
    scales: [0.5, 0.75, 1],
  });
  assert.equal(r.images, 50);
  assert.equal(r.epochs, 2);
  assert.ok(r.imagesPerSecond > 0 && Number.isFinite(r.imagesPerSecond));
  assert.equal(r.samplesPerSecond, 4 * r.imagesPerSecond);
  assert.ok(r.ms.total >= r.ms.batches);
});
