/**
 * The Grad-CAM request end to end on a run folder (config.json, subset.json, a stage
 * checkpoint) with the embedded dataset, and the stage → logits heads of every
 * architecture the builders make: head(trunk(x)) must equal the model's own logits,
 * which is what makes the gradients at a stage the gradients of the real network.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import { chooseBackend } from '../../sidecar/backend/chooseBackend';
import { resolveConfig } from '../../sidecar/config/resolveConfig';
import { computeGradcam } from '../../sidecar/gradcam/computeGradcam';
import { headModel, trunkModel } from '../../sidecar/gradcam/splitModel';
import { buildModel, namedOutputs, type ModelSpec } from '../../sidecar/models/buildModel';
import { saveCheckpoint } from '../../sidecar/runs/checkpoint';
import { createRunDir } from '../../sidecar/runs/runStore';

describe('stage heads', () => {
  before(async () => {
    await chooseBackend('wasm', {});
  });
  const specs: [ModelSpec, number][] = [
    [{ arch: 'resnet', blocks: [1, 1], widths: [4, 8] }, 12],
    [{ arch: 'resnet', blocks: [1, 1], widths: [2, 4], block: 'bottleneck', stem: 'imagenet' }, 16],
    [{ arch: 'nin', blocks: 3, width: 8 }, 12],
    [{ arch: 'alexnet', variant: 'cifar', widths: [4, 4, 4, 4, 4] }, 12],
  ];
  for (const [spec, size] of specs) {
    it(`${spec.arch}${'block' in spec && spec.block ? ` ${spec.block}` : ''}: head(trunk(x)) equals the logits at every named output`, () => {
      const model = buildModel(spec, { inputChannels: 3, classes: 4, seed: 2 });
      const names = namedOutputs(model);
      assert.ok(names.length >= 2, names.join());
      const x = tf.randomNormal<tf.Rank.R4>([2, size, size, 3], 0, 1, 'float32', 7);
      const logits = model.predict(x) as tf.Tensor;
      const acts = ([] as tf.Tensor[]).concat(trunkModel(model, names).predict(x));
      names.forEach((name, i) => {
        const viaHead = headModel(model, name).predict(acts[i]) as tf.Tensor;
        const diff = tf.max(tf.abs(tf.sub(viaHead, logits))).dataSync()[0];
        assert.ok(diff < 1e-4, `${name}: max |difference| ${diff}`);
        viaHead.dispose();
      });
      tf.dispose([x, logits, ...acts]);
      model.dispose();
    });
  }
});

describe('gradcam/compute on a run folder', () => {
  let runsDir: string;
  let runDir: string;
  before(async () => {
    await chooseBackend('wasm', {});
    runsDir = mkdtempSync(join(tmpdir(), 'scalenet-gradcam-'));
    const config = resolveConfig(
      {
        name: 'cam',
        method: 'scalenet',
        data: { dataset: 'embedded', limit: 64 },
        model: { blocks: [1, 1], widths: [4, 8] },
        pretext: { scales: [0.5, 1], epochs: [1, 1], lr: [0.1, 0.1] },
      },
      join(runsDir, 'cam.scalenet.json'),
    );
    runDir = await createRunDir(runsDir, config);
    // The run's pretext subset (data/subsetFile.ts, version 1): its stats standardise inputs.
    const indices = Array.from({ length: 64 }, (_, i) => 2 * i);
    writeFileSync(
      join(runDir, 'subset.json'),
      JSON.stringify({ version: 1, indices, heldOut: [] }),
    );
    const model = buildModel(
      { arch: 'resnet', blocks: [1, 1], widths: [4, 8] },
      { inputChannels: config.data.channels, classes: 4, seed: 1 },
    );
    await saveCheckpoint(join(runDir, 'checkpoints', 'stage1'), { model, state: { stage: 1 } });
    model.dispose();
  });
  after(() => rmSync(runsDir, { recursive: true, force: true }));

  it('answers maps, overlays and predictions for dataset images at the stage-1 scale', async () => {
    const before = tf.memory().numTensors;
    const result = await computeGradcam(
      {
        runDir,
        images: { kind: 'dataset', indices: [0, 5, 9] },
        stages: [],
        method: 'gradcam++',
        target: { kind: 'rotation', rotation: 1 },
      },
      new Map(),
    );
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
    // stage1 of a [0.5, 1] chain trained at 0.5: the 28-pixel images at 14.
    assert.equal(result.scale, 0.5);
    assert.equal(result.inputSize, 14);
    assert.deepEqual(result.stages, ['stage1', 'stage2']);
    assert.deepEqual(result.classNames, ['0°', '90°', '180°', '270°']);
    assert.equal(result.images.length, 3);
    for (const img of result.images) {
      assert.equal(img.target.index, 1);
      assert.ok(img.predicted.probability >= img.target.probability);
      assert.equal(img.maps.length, 2);
      for (const map of img.maps) {
        assert.equal(map.cam.length, 14 * 14);
        assert.ok(map.cam.every((v) => v >= 0 && v <= 1));
        const png = PNG.sync.read(Buffer.from(map.overlay, 'base64'));
        assert.deepEqual([png.width, png.height], [14, 14]);
      }
      assert.deepEqual([img.maps[0].camHeight, img.maps[1].camHeight], [14, 7]);
    }
  });

  it('takes PNG bytes from a client and a named checkpoint and class', async () => {
    const png = new PNG({ width: 20, height: 10 });
    png.data.fill(128);
    const result = await computeGradcam(
      {
        runDir,
        checkpoint: 'stage1',
        scale: 1,
        images: { kind: 'png', images: [PNG.sync.write(png).toString('base64')], names: ['a.png'] },
        stages: ['stage2'],
        target: { kind: 'class', index: 3 },
      },
      new Map(),
    );
    assert.equal(result.inputSize, 28);
    assert.equal(result.images[0].name, 'a.png');
    assert.equal(result.images[0].target.name, '270°');
  });

  it('names the stages a model has when asked for another', async () => {
    await assert.rejects(
      computeGradcam(
        { runDir, images: { kind: 'dataset', indices: [0] }, stages: ['block9'] },
        new Map(),
      ),
      /block9: this model has stage1, stage2/,
    );
  });
});
