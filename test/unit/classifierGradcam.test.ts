/**
 * The kept classifier on a run folder built here (no training): saved atomically per
 * label budget and found again, Grad-CAM of it with class names and a target class,
 * and the named errors for what a request can get wrong.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../sidecar/backend/chooseBackend';
import { resolveConfig } from '../../sidecar/config/resolveConfig';
import {
  chooseBudget,
  listClassifiers,
  loadClassifier,
  saveClassifier,
} from '../../sidecar/runs/classifierStore';
import { computeGradcam } from '../../sidecar/gradcam/computeGradcam';
import { runModels } from '../../sidecar/gradcam/runModels';
import { buildModel } from '../../sidecar/models/buildModel';
import { saveCheckpoint } from '../../sidecar/runs/checkpoint';
import { createRunDir } from '../../sidecar/runs/runStore';

const CLASSES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const spec = { arch: 'resnet' as const, blocks: [1, 1], widths: [4, 8] };

describe('kept classifiers and their Grad-CAM', () => {
  let runsDir: string;
  let runDir: string;
  let bare: string;
  before(async () => {
    await chooseBackend('wasm', {});
    runsDir = mkdtempSync(join(tmpdir(), 'scalenet-classifier-'));
    const config = resolveConfig(
      {
        name: 'cls',
        method: 'rotnet',
        data: { dataset: 'embedded', limit: 64 },
        model: { blocks: [1, 1], widths: [4, 8] },
        pretext: { scales: [1], epochs: [1], lr: [0.1] },
      },
      join(runsDir, 'cls.scalenet.json'),
    );
    runDir = await createRunDir(runsDir, config);
    bare = await createRunDir(runsDir, { ...config, name: 'bare' });
    const indices = Array.from({ length: 64 }, (_, i) => i);
    for (const dir of [runDir, bare]) {
      writeFileSync(join(dir, 'subset.json'), JSON.stringify({ version: 1, indices, heldOut: [] }));
      const pretext = buildModel(spec, { inputChannels: 1, classes: 4, seed: 1 });
      await saveCheckpoint(join(dir, 'checkpoints', 'stage1'), { model: pretext, state: {} });
      pretext.dispose();
    }
    for (const [labels, seed] of [
      [50, 2],
      [20, 3],
    ]) {
      const model = buildModel(spec, { inputChannels: 1, classes: 10, seed });
      await saveClassifier(runDir, {
        labels,
        model,
        classNames: CLASSES,
        stats: { mean: [70], std: [80] },
        inputSize: 28,
        channels: 1,
        testAccuracy: 0.5,
        trainIndices: Array.from({ length: labels }, (_, i) => i),
      });
      model.dispose();
    }
  });
  after(() => rmSync(runsDir, { recursive: true, force: true }));

  it('saves one folder per budget (no temp folder left) and loads the weights back', async () => {
    assert.deepEqual(listClassifiers(runDir), [20, 50]);
    assert.deepEqual(readdirSync(join(runDir, 'classifiers')).sort(), [
      'finetune@20',
      'finetune@50',
    ]);
    assert.equal(chooseBudget(runDir), 50);
    const loaded = await loadClassifier(runDir, 20);
    const fresh = buildModel(spec, { inputChannels: 1, classes: 10, seed: 3 });
    const diff = Math.max(
      ...loaded.model.weights.map((w, i) =>
        tf.tidy(() => tf.max(tf.abs(tf.sub(w.read(), fresh.weights[i].read()))).dataSync()[0]),
      ),
    );
    assert.equal(diff, 0);
    assert.deepEqual(loaded.info.classNames, CLASSES);
    assert.deepEqual(loaded.info.stats, { mean: [70], std: [80] });
    loaded.model.dispose();
    fresh.dispose();
  });

  it('gradcam/models lists the checkpoints and the kept classifiers with their class names', () => {
    const models = runModels({ runDir });
    assert.deepEqual(models.checkpoints, ['stage1']);
    assert.deepEqual(
      models.classifiers.map((c) => [c.labels, c.classNames.length, c.inputSize]),
      [
        [20, 10, 28],
        [50, 10, 28],
      ],
    );
    assert.deepEqual(runModels({ runDir: bare }).classifiers, []);
    assert.throws(
      () => runModels({ runDir: runsDir }),
      /has no config.json. Give the folder of a run/,
    );
  });

  it('explains a class by name with the class names as outputs, leaving no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const result = await computeGradcam(
      {
        runDir,
        images: { kind: 'dataset', indices: [0, 1] },
        stages: [],
        model: 'classifier',
        labels: 20,
        targetClass: 'seven',
      },
      new Map(),
    );
    assert.equal(tf.memory().numTensors, before);
    assert.equal(result.model, 'classifier');
    assert.equal(result.labels, 20);
    assert.deepEqual(result.classNames, CLASSES);
    assert.equal(result.inputSize, 28);
    assert.equal(result.scale, 1);
    assert.ok(result.images.every((img) => img.target.index === 7 && img.target.name === 'seven'));
    // A head index works as well as a name.
    const byIndex = await computeGradcam(
      {
        runDir,
        images: { kind: 'dataset', indices: [0] },
        stages: ['stage2'],
        model: 'classifier',
        labels: 20,
        targetClass: 7,
      },
      new Map(),
    );
    assert.deepEqual(byIndex.images[0].maps[0].cam, result.images[0].maps[1].cam);
  });

  it('names the problem: unknown class, missing budget, no classifiers, rotation target, bad model', async () => {
    const ask = (extra: Record<string, unknown>, dir = runDir) =>
      computeGradcam(
        { runDir: dir, images: { kind: 'dataset', indices: [0] }, stages: [], ...extra },
        new Map(),
      );
    await assert.rejects(
      ask({ model: 'classifier', targetClass: 'ten' }),
      /"ten" is not a class.*zero, one/,
    );
    await assert.rejects(ask({ model: 'classifier', labels: 30 }), /finetune@30.*20, 50/);
    await assert.rejects(ask({ model: 'classifier' }, bare), /holds no fine-tuned classifier/);
    await assert.rejects(
      ask({ model: 'classifier', target: { kind: 'rotation', rotation: 1 } }),
      /rotation target explains the pretext head/,
    );
    await assert.rejects(ask({ model: 'rotation' }), /model must be pretext or classifier/);
  });
});
