/**
 * Taking a run's representation out, on two real tiny runs (RotNet and ScaleNet) trained
 * by the real sidecar: the kept fine-tuned classifiers, Grad-CAM of a classifier for a
 * target class, the Fig. 3 grid from the CLI, and `embed`, `export` and `predict`
 * checked against the same networks evaluated here in-process, and the safetensors
 * export read back by an independent NumPy program that re-runs the network.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import { chooseBackend } from '../../sidecar/backend/chooseBackend';
import { inputBatch } from '../../sidecar/eval/batches';
import { evaluationTestIndices } from '../../sidecar/export/modelImages';
import { readRunConfigAbsolute } from '../../sidecar/gradcam/runContext';
import { loadSplit } from '../../sidecar/inspect/source';
import { loadModel } from '../../sidecar/models/modelIO';
import { outputsModel } from '../../sidecar/models/buildModel';
import {
  GradcamComputeRequest,
  GradcamModelsRequest,
  RunStartRequest,
  ShutdownRequest,
  type GradcamComputeResult,
} from '../../sidecar/protocol';
import { loadCheckpoint } from '../../sidecar/runs/checkpoint';
import { computeChannelStats, type ChannelStats } from '../../sidecar/transforms/standardize';
import { startSidecar, tempDir, type TestSidecar } from '../helpers/sidecar';
import { maxAbsDiff, readNpy, readSafetensors } from '../helpers/tensorFiles';
import type { ImageDataset } from '../../sidecar/data/dataset';

const CLI = join(__dirname, '../../dist/cli.js');
const FORWARD_PY = join(__dirname, '../helpers/layers_forward.py');
const PYTHON = '/usr/bin/python3';
const execFileAsync = promisify(execFile);
const BUDGETS = [100, 200];

const scalenet = (...args: string[]) =>
  execFileAsync(process.execPath, [CLI, ...args], { timeout: 120_000 });

const tinyConfig = (name: string, method: string, scales: number[]) => ({
  name,
  seed: 5,
  method,
  data: { dataset: 'embedded', limit: 400 },
  model: { blocks: [1, 1], widths: [8, 16] },
  pretext: {
    scales,
    epochs: scales.map(() => 1),
    lr: scales.map(() => 0.05),
    batchSize: 16,
    heldOut: 100,
  },
  evaluation: {
    testImages: 200,
    knn: { enabled: false },
    finetune: { labels: BUDGETS, epochs: 3 },
    linear: { labels: [] },
  },
});

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

interface Summary {
  status: string;
  metrics: Record<string, number>;
}

/** The evaluation's standardisation: pretext subset stats at full size. */
function statsOf(runDir: string, train: ImageDataset): ChannelStats {
  const subset = readJson<{ indices: number[] }>(join(runDir, 'subset.json'));
  return computeChannelStats(train, subset.indices);
}

function parseCsv(text: string): string[][] {
  return text
    .trim()
    .split('\n')
    .map((line) => line.split(','));
}

describe('classifier checkpoints, Grad-CAM of the classifier, embed/export/predict', () => {
  let sidecar: TestSidecar;
  let workDir: string;
  const runs: Record<'rotnet' | 'scalenet', string> = { rotnet: '', scalenet: '' };

  before(async () => {
    await chooseBackend('wasm', {});
    workDir = tempDir('export');
    sidecar = await startSidecar();
    const configs = {
      rotnet: tinyConfig('rot', 'rotnet', [1]),
      scalenet: tinyConfig('scale', 'scalenet', [0.5, 1]),
    };
    for (const kind of ['rotnet', 'scalenet'] as const) {
      const configPath = join(workDir, `${kind}.scalenet.json`);
      writeFileSync(configPath, JSON.stringify(configs[kind]));
      const started = await sidecar.connection.sendRequest(RunStartRequest.type, { configPath });
      const finished = await sidecar.waitFinished(started.runId, 300_000);
      assert.equal(finished.status, 'completed', JSON.stringify(finished.error));
      runs[kind] = started.runDir;
    }
  });

  after(async () => {
    if (sidecar.child.exitCode === null) {
      await sidecar.connection.sendRequest(ShutdownRequest.type, {});
      await sidecar.exit();
    }
  });

  it('keeps one fine-tuned classifier per label budget, with class names and its accuracy', () => {
    for (const runDir of Object.values(runs)) {
      const summary = readJson<Summary>(join(runDir, 'summary.json'));
      for (const labels of BUDGETS) {
        const dir = join(runDir, 'classifiers', `finetune@${labels}`);
        assert.ok(existsSync(join(dir, 'model.json')), `${dir}/model.json`);
        assert.ok(existsSync(join(dir, 'weights.bin')), `${dir}/weights.bin`);
        const info = readJson<{
          labels: number;
          classNames: string[];
          testAccuracy: number;
          trainIndices: number[];
        }>(join(dir, 'classifier.json'));
        assert.equal(info.labels, labels);
        assert.equal(info.classNames.length, 10);
        assert.equal(info.classNames[0], 'T-shirt/top');
        assert.equal(info.trainIndices.length, labels);
        assert.equal(info.testAccuracy, summary.metrics[`finetune@${labels}/accuracy`]);
      }
    }
  });

  it('gradcam/models tells the viewer which checkpoints and classifiers a run offers', async () => {
    const models = await sidecar.connection.sendRequest(GradcamModelsRequest.type, {
      runDir: runs.scalenet,
    });
    assert.deepEqual(models.checkpoints, ['stage1', 'stage2']);
    assert.deepEqual(
      models.classifiers.map((c) => c.labels),
      BUDGETS,
    );
    assert.equal(models.classifiers[0].classNames[8], 'Bag');
  });

  it('Grad-CAM of the classifier explains the named class, and differs from the pretext map', async () => {
    const runDir = runs.scalenet;
    const images = { kind: 'dataset' as const, indices: [0, 1, 2, 3] };
    const pretext = await sidecar.connection.sendRequest(GradcamComputeRequest.type, {
      runDir,
      images,
      stages: ['stage1', 'stage2'],
      target: { kind: 'rotation', rotation: 0 },
    });
    const explain = (targetClass: string) =>
      sidecar.connection.sendRequest(GradcamComputeRequest.type, {
        runDir,
        images,
        stages: ['stage1', 'stage2'],
        model: 'classifier',
        labels: 200,
        targetClass,
      });
    const bag = await explain('Bag');
    const trouser = await explain('Trouser');
    assert.equal(bag.model, 'classifier');
    assert.equal(bag.labels, 200);
    assert.equal(bag.classNames.length, 10);
    assert.ok(bag.checkpoint.endsWith(join('classifiers', 'finetune@200')), bag.checkpoint);
    assert.equal(pretext.model, 'pretext');
    assert.deepEqual(pretext.classNames, ['0°', '90°', '180°', '270°']);
    // Mean |difference| per pixel over every image and stage (maps are 0..1 each).
    const diff = (a: GradcamComputeResult, b: GradcamComputeResult) => {
      let sum = 0;
      let n = 0;
      a.images.forEach((img, i) =>
        img.maps.forEach((m, s) => {
          const other = b.images[i].maps[s].cam;
          m.cam.forEach((v, p) => (sum += Math.abs(v - other[p])));
          n += m.cam.length;
        }),
      );
      return sum / n;
    };
    for (const img of bag.images) {
      assert.equal(img.target.name, 'Bag');
      assert.equal(img.target.index, 8);
      assert.ok(img.maps.every((m) => m.gradientMeanAbs > 0));
    }
    const vsPretext = diff(bag, pretext);
    const vsTrouser = diff(bag, trouser);
    console.log(
      `mean |cam difference|: classifier Bag vs pretext 0° ${vsPretext.toFixed(3)}, Bag vs Trouser ${vsTrouser.toFixed(3)}`,
    );
    assert.ok(vsPretext > 0.05, `classifier vs pretext maps differ by ${vsPretext}`);
    assert.ok(vsTrouser > 0.05, `two target classes differ by ${vsTrouser}`);
    // An unknown class is a named error, not an internal one.
    await assert.rejects(explain('Zebra'), /Zebra.*not a class.*T-shirt\/top/);
  });

  it('CLI: gradcam RUN_A RUN_B --grid writes one PNG of (images x runs) rows x (input + stages) columns', async () => {
    const grid = join(workDir, 'fig3.png');
    const { stdout } = await scalenet(
      'gradcam',
      runs.rotnet,
      runs.scalenet,
      '--images',
      '0,7,9',
      '--model',
      'classifier',
      '--class',
      'Sneaker',
      '--grid',
      grid,
      '--zoom',
      '2',
    );
    const png = PNG.sync.read(readFileSync(grid));
    const tile = 28 * 2;
    const rows = 3 * 2;
    const columns = 1 + 2;
    assert.equal(png.width, columns * tile + (columns + 1) * 2);
    assert.equal(png.height, rows * tile + (rows + 1) * 2);
    const layout = readJson<{ rows: { run: string; target: string }[]; columns: string[] }>(
      join(workDir, 'fig3.json'),
    );
    assert.deepEqual(layout.columns, ['input', 'stage1', 'stage2']);
    const runName = (dir: string) => dir.split(/[\\/]/).pop();
    assert.deepEqual(
      layout.rows.map((r) => r.run),
      [0, 1, 2].flatMap(() => [runName(runs.rotnet), runName(runs.scalenet)]),
    );
    assert.ok(layout.rows.every((r) => r.target === 'Sneaker'));
    assert.match(stdout, /6 rows \(2 runs per image\) x 3 columns/);
  });

  it('embed: the .npy equals the trunk evaluated in-process; the CSV names and labels each row', async () => {
    const runDir = runs.scalenet;
    const out = join(workDir, 'emb', 'features.npy');
    await scalenet('embed', runDir, '--split', 'test', '--stage', '2', '--out', out);
    const npy = readNpy(readFileSync(out));
    const config = readRunConfigAbsolute(runDir);
    const [train, test] = [await loadSplit(config, 'train'), await loadSplit(config, 'test')];
    const indices = evaluationTestIndices(config, test);
    assert.deepEqual(npy.shape, [indices.length, 16]);
    const checkpoint = await loadCheckpoint(join(runDir, 'checkpoints', 'stage2'));
    const batch = inputBatch(test, indices, { stats: statsOf(runDir, train) });
    const expected = tf.tidy(() => {
      const x = tf.tensor4d(batch.x, [batch.count, 28, 28, 1]);
      const map = outputsModel(checkpoint.model, ['stage2']).predict(x) as tf.Tensor4D;
      return tf.mean(map, [1, 2]).dataSync() as Float32Array;
    });
    const diff = maxAbsDiff(npy.values, expected);
    console.log(`embed: ${npy.shape.join('x')}, max |npy - in-process| = ${diff.toExponential(2)}`);
    assert.ok(diff < 1e-4, `max abs difference ${diff}`);
    const csv = parseCsv(readFileSync(join(workDir, 'emb', 'features.csv'), 'utf8'));
    assert.deepEqual(csv[0], ['row', 'file', 'label', 'class']);
    assert.equal(csv.length, indices.length + 1);
    csv.slice(1).forEach((row, i) => {
      assert.equal(row[1], `test/${indices[i]}`);
      assert.equal(Number(row[2]), test.labels[indices[i]]);
    });

    // The same test images as PNG files in a folder: the same features, row for row.
    const folder = join(workDir, 'emb-files');
    mkdirSync(folder, { recursive: true });
    const picked = Array.from(indices.slice(0, 8));
    picked.forEach((index) =>
      writeFileSync(join(folder, `${String(index).padStart(5, '0')}.png`), pngOf(test, index)),
    );
    const filesOut = join(workDir, 'emb', 'files.npy');
    await scalenet('embed', runDir, folder, '--stage', '2', '--out', filesOut);
    const fromFiles = readNpy(readFileSync(filesOut));
    const order = [...picked].sort((a, b) => a - b);
    const rows = Float32Array.from(
      order.flatMap((index) => {
        const row = Array.from(indices).indexOf(index);
        return Array.from(npy.values.subarray(row * 16, (row + 1) * 16));
      }),
    );
    const filesDiff = maxAbsDiff(fromFiles.values, rows);
    console.log(`embed PNG folder vs split rows: max |diff| = ${filesDiff.toExponential(2)}`);
    assert.ok(filesDiff < 1e-5, `PNG files embed differently: ${filesDiff}`);
    checkpoint.model.dispose();
  });

  it('export: TF.js folders, safetensors (parsed here and by NumPy) and a layer list that NumPy alone can run', async () => {
    const runDir = runs.scalenet;
    const outDir = join(workDir, 'export');
    await scalenet('export', runDir, '--out', outDir);
    const config = readRunConfigAbsolute(runDir);
    const [train, test] = [await loadSplit(config, 'train'), await loadSplit(config, 'test')];
    const indices = Array.from({ length: 12 }, (_, i) => 3 * i);
    const stats = statsOf(runDir, train);
    const checkpoint = await loadCheckpoint(join(runDir, 'checkpoints', 'stage2'));
    const kept = await loadModel(join(runDir, 'classifiers', 'finetune@200'));
    const references: [string, tf.LayersModel, ChannelStats, string][] = [
      ['trunk', checkpoint.model, stats, 'pool'],
      [
        'classifier@200',
        kept,
        readJson<{ stats: ChannelStats }>(
          join(runDir, 'classifiers', 'finetune@200', 'classifier.json'),
        ).stats,
        'head',
      ],
    ];
    for (const [name, reference, refStats, outputLayer] of references) {
      // The TF.js folder loads and computes what the run's own network computes.
      const exported = await loadModel(join(outDir, 'tfjs', name));
      const batch = inputBatch(test, indices, { stats: refStats });
      const [fromExport, fromRun] = tf.tidy(() => {
        const x = tf.tensor4d(batch.x, [batch.count, 28, 28, 1]);
        const probe = outputsModel(reference, [outputLayer]);
        return [
          (exported.predict(x) as tf.Tensor).dataSync() as Float32Array,
          (probe.predict(x) as tf.Tensor).dataSync() as Float32Array,
        ];
      });
      const tfjsDiff = maxAbsDiff(fromExport, fromRun);
      assert.ok(tfjsDiff < 1e-5, `${name} tfjs: ${tfjsDiff}`);

      // safetensors, read by this test's own parser: every weight, bit for bit, in layer order.
      const file = readSafetensors(readFileSync(join(outDir, `${name}.safetensors`)));
      const weights = exported.layers.flatMap((l) => l.weights);
      assert.deepEqual(
        file.order,
        weights.map((w) => w.originalName),
      );
      let weightDiff = 0;
      for (const w of weights) {
        const t = file.tensors.get(w.originalName);
        assert.ok(t, w.originalName);
        assert.deepEqual(t.shape, w.shape);
        weightDiff = Math.max(weightDiff, maxAbsDiff(t.values, w.read().dataSync()));
      }
      assert.equal(weightDiff, 0, `${name}: safetensors weights differ by ${weightDiff}`);

      // NumPy alone: the layer list and the safetensors rebuild the network's output.
      const raw = new Float32Array(indices.length * 28 * 28);
      indices.forEach((index, i) =>
        raw.set(test.images.subarray(index * 784, (index + 1) * 784), i * 784),
      );
      const inputNpy = join(outDir, `${name}-input.npy`);
      const outputNpy = join(outDir, `${name}-numpy-output.npy`);
      writeFileSync(inputNpy, npyOf(raw, [indices.length, 28, 28, 1]));
      await execFileAsync(PYTHON, [
        FORWARD_PY,
        join(outDir, `${name}.safetensors`),
        join(outDir, `${name}.layers.json`),
        inputNpy,
        outputNpy,
      ]);
      const numpy = readNpy(readFileSync(outputNpy));
      const pyDiff = maxAbsDiff(numpy.values, fromRun);
      console.log(
        `export ${name}: tfjs max |diff| ${tfjsDiff.toExponential(2)}, safetensors weights ${weightDiff}, NumPy forward ${pyDiff.toExponential(2)} (${numpy.shape.join('x')})`,
      );
      assert.deepEqual(numpy.shape, [indices.length, name === 'trunk' ? 16 : 10]);
      assert.ok(pyDiff < 1e-3, `${name}: NumPy output differs by ${pyDiff}`);
      exported.dispose();
    }
    checkpoint.model.dispose();
    kept.dispose();
  });

  it("predict: the accuracy on the run's test images equals its fine-tune accuracy; probabilities match in-process", async () => {
    const runDir = runs.scalenet;
    const summary = readJson<Summary>(join(runDir, 'summary.json'));
    const out = join(workDir, 'preds.csv');
    const { stdout } = await scalenet(
      'predict',
      runDir,
      '--split',
      'test',
      '--labels',
      '200',
      '--out',
      out,
    );
    const rows = parseCsv(readFileSync(out, 'utf8'));
    const header = rows[0];
    assert.deepEqual(header.slice(0, 5), ['row', 'file', 'label', 'predicted', 'probability']);
    assert.equal(header.length, 5 + 10);
    const body = rows.slice(1);
    const accuracy = body.filter((r) => r[2] === r[3]).length / body.length;
    console.log(
      `predict: accuracy ${accuracy} vs run's finetune@200 ${summary.metrics['finetune@200/accuracy']}`,
    );
    assert.equal(accuracy, summary.metrics['finetune@200/accuracy']);
    assert.match(stdout, /Accuracy on the 200 labelled images/);

    const config = readRunConfigAbsolute(runDir);
    const test = await loadSplit(config, 'test');
    const indices = evaluationTestIndices(config, test);
    const info = readJson<{ stats: ChannelStats }>(
      join(runDir, 'classifiers', 'finetune@200', 'classifier.json'),
    );
    const model = await loadModel(join(runDir, 'classifiers', 'finetune@200'));
    const batch = inputBatch(test, indices, { stats: info.stats });
    const probs = tf.tidy(
      () =>
        tf
          .softmax(model.predict(tf.tensor4d(batch.x, [batch.count, 28, 28, 1])) as tf.Tensor2D)
          .dataSync() as Float32Array,
    );
    const fromCsv = Float32Array.from(body.flatMap((r) => r.slice(5).map(Number)));
    const diff = maxAbsDiff(fromCsv, probs);
    console.log(`predict: max |csv probability - in-process| = ${diff.toExponential(2)}`);
    assert.ok(diff < 1e-5, `probabilities differ by ${diff}`);

    // The same images as PNG files in class-named folders: labels found, same predictions.
    const folder = join(workDir, 'pngs');
    // A class name with a slash (T-shirt/top) cannot be a folder name, so none comes from it.
    const picked = Array.from(indices)
      .filter((index) => !test.classNames[test.labels[index]].includes('/'))
      .slice(0, 20);
    picked.forEach((index) => {
      const dir = join(folder, test.classNames[test.labels[index]]);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${String(index).padStart(5, '0')}.png`), pngOf(test, index));
    });
    const filesOut = join(workDir, 'preds-files.csv');
    await scalenet('predict', runDir, folder, '--labels', '200', '--out', filesOut);
    const fileRows = parseCsv(readFileSync(filesOut, 'utf8')).slice(1);
    assert.equal(fileRows.length, picked.length);
    const byIndex = new Map(body.map((r) => [Number(r[1].split('/')[1]), r]));
    for (const r of fileRows) {
      const index = Number(/(\d+)\.png$/.exec(r[1])?.[1]);
      const split = byIndex.get(index);
      assert.ok(split, r[1]);
      assert.equal(r[2], split[2], `label of ${r[1]}`);
      assert.equal(r[3], split[3], `prediction of ${r[1]}`);
    }
    model.dispose();
  });
});

/** A dataset image (28x28 gray) as an RGB PNG file's bytes. */
function pngOf(ds: ImageDataset, index: number): Buffer {
  const png = new PNG({ width: 28, height: 28 });
  for (let p = 0; p < 784; p++) {
    const v = ds.images[index * 784 + p];
    png.data.set([v, v, v, 255], 4 * p);
  }
  return PNG.sync.write(png);
}

/** A minimal .npy for the NumPy program's input (float32, C order). */
function npyOf(values: Float32Array, shape: number[]): Buffer {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  const header = Buffer.from(dict.padEnd(total - 11, ' ') + '\n', 'latin1');
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  return Buffer.concat([
    pre,
    header,
    Buffer.from(values.buffer, values.byteOffset, values.byteLength),
  ]);
}
