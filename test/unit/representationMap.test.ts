/**
 * `model/map` on a real run folder (embedded data, a saved checkpoint): one point per
 * evaluation test image at every stage, finite coordinates in the unit square, the
 * same map for the same seed, neighbours and kNN accuracy that agree with each other.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { chooseBackend } from '../../sidecar/backend/chooseBackend';
import { resolveConfig } from '../../sidecar/config/resolveConfig';
import {
  leaveOneOutAccuracy,
  nearestNeighbours,
  representationMap,
} from '../../sidecar/export/representationMap';
import { buildModel } from '../../sidecar/models/buildModel';
import { saveCheckpoint } from '../../sidecar/runs/checkpoint';
import { createRunDir } from '../../sidecar/runs/runStore';

const TEST_IMAGES = 60;

void describe('model/map: the representation map of a run', () => {
  let runsDir: string;
  let runDir: string;
  before(async () => {
    await chooseBackend('wasm', {});
    runsDir = mkdtempSync(join(tmpdir(), 'scalenet-map-'));
    const config = resolveConfig(
      {
        name: 'map',
        seed: 4,
        method: 'rotnet',
        data: { dataset: 'embedded', limit: 64 },
        model: { blocks: [1, 1], widths: [4, 8] },
        pretext: { scales: [1], epochs: [1], lr: [0.1] },
        evaluation: { testImages: TEST_IMAGES },
      },
      join(runsDir, 'map.scalenet.json'),
    );
    runDir = await createRunDir(runsDir, config);
    const indices = Array.from({ length: 64 }, (_, i) => i);
    writeFileSync(
      join(runDir, 'subset.json'),
      JSON.stringify({ version: 1, indices, heldOut: [] }),
    );
    const model = buildModel(
      { arch: 'resnet', blocks: [1, 1], widths: [4, 8] },
      { inputChannels: 1, classes: 4, seed: 1 },
    );
    await saveCheckpoint(join(runDir, 'checkpoints', 'stage1'), { model, state: {} });
    model.dispose();
  });
  after(() => rmSync(runsDir, { recursive: true, force: true }));

  void it('one finite point per test image per stage, the same for the same seed', async () => {
    const map = await representationMap({ runDir, k: 5 });
    assert.deepEqual(
      map.stages.map((s) => s.layer),
      ['stage1', 'stage2'],
    );
    assert.equal(map.labels.length, TEST_IMAGES);
    assert.equal(map.thumbnails.length, TEST_IMAGES);
    assert.equal(map.classNames.length, 10);
    for (const stage of map.stages) {
      assert.equal(stage.points.length, TEST_IMAGES);
      for (const [x, y] of stage.points) {
        assert.ok(Number.isFinite(x) && Number.isFinite(y) && x >= 0 && x <= 1 && y >= 0 && y <= 1);
      }
      // Spread out, not collapsed onto a point.
      assert.ok(new Set(stage.points.map(([x]) => x.toFixed(3))).size > TEST_IMAGES / 2);
      assert.equal(stage.neighbours.length, TEST_IMAGES);
      stage.neighbours.forEach((near, i) => {
        assert.equal(near.length, 5);
        assert.ok(!near.includes(i), 'an image is not its own neighbour');
      });
      assert.equal(stage.knnAccuracy, leaveOneOutAccuracy(stage.neighbours, map.labels));
    }
    const again = await representationMap({ runDir, k: 5 });
    assert.deepEqual(again.stages[1].points, map.stages[1].points, 'same seed, same map');
    const other = await representationMap({ runDir, k: 5, seed: 99, layers: ['stage2'] });
    assert.notDeepEqual(other.stages[0].points, map.stages[1].points, 'another seed moves it');
    assert.deepEqual(other.stages[0].neighbours, map.stages[1].neighbours, 'neighbours are exact');
    // Thumbnails are the 28x28 test images as PNG data URLs.
    const png = PNG.sync.read(
      Buffer.from(map.thumbnails[0].replace(/^data:image\/png;base64,/, ''), 'base64'),
    );
    assert.deepEqual([png.width, png.height], [28, 28]);
  });

  void it('neighbours by cosine and a majority vote', () => {
    // Two tight groups on the x and y axes.
    const unit = Float32Array.from([1, 0, 0.99, 0.14, 0.98, 0.2, 0, 1, 0.14, 0.99, 0.2, 0.98]);
    const near = nearestNeighbours(unit, 6, 2, 2);
    assert.deepEqual(near[0], [1, 2]);
    assert.deepEqual(near[3], [4, 5]);
    assert.equal(leaveOneOutAccuracy(near, [0, 0, 0, 1, 1, 1]), 1);
    assert.equal(leaveOneOutAccuracy(near, [0, 0, 1, 1, 1, 1]), 4 / 6);
  });

  void it('an unknown layer is named with the ones the model has', async () => {
    await assert.rejects(representationMap({ runDir, layers: ['stage9'] }), /stage9.*stage1/);
  });
});
