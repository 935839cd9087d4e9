/**
 * Your own images, through the real sidecar: a pretext on an unlabelled nested pool
 * (mixed PNG/JPEG, no classes), evaluation on a separate labelled folder (seeded split),
 * the counts of both in the summary, a leak reported, and transfer between runs
 * (`pretext.initFrom`) with its lineage and its named errors.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ResponseError } from 'vscode-jsonrpc/node';
import {
  GradcamComputeRequest,
  ModelEmbedRequest,
  ModelMapRequest,
  ModelPredictRequest,
  RunStartRequest,
  ShutdownRequest,
  ErrorCodes,
  type ErrorData,
  type MetricRecord,
  type RunSummary,
} from '../../sidecar/protocol';
import { writeLabelled, writePool } from '../helpers/imageFolders';
import { startSidecar, tempDir, type TestSidecar } from '../helpers/sidecar';

const SIZE = 16;
const POOL_IMAGES = 144;
const LEAKED = 2;
const PER_CLASS = 20;
const HELD_OUT = 16;
/** The fine-tune metric: 2 x PER_CLASS labels asked for, the 28 of the seeded split's train used. */
const FINETUNE = 'finetune@28/accuracy';

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const metricsOf = (runDir: string): MetricRecord[] =>
  readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as MetricRecord);
const firstStepLoss = (runDir: string) =>
  metricsOf(runDir).find((m) => m.metric === 'pretext/first_step_loss')?.value;

function config(name: string, epochs: number, extra: Record<string, unknown> = {}) {
  return {
    name,
    seed: 3,
    method: 'rotnet',
    data: { dataset: 'pool', path: 'pool', imageSize: SIZE, channels: 3 },
    model: { blocks: [1, 1], widths: [8, 16] },
    pretext: { scales: [1], epochs: [epochs], lr: [0.1], batchSize: 16, heldOut: HELD_OUT },
    evaluation: {
      data: { dataset: 'folder', path: 'labelled' },
      testImages: 100,
      knn: { enabled: true, k: 5, bankImages: 100 },
      finetune: { labels: [2 * PER_CLASS], epochs: 6, lr: 0.05, batchSize: 8 },
      linear: { labels: [] },
    },
    ...extra,
  };
}

describe('pretext on an unlabelled pool, evaluation on a labelled folder, transfer', () => {
  let sidecar: TestSidecar;
  let workDir: string;
  let poolRun: string;
  const start = async (name: string, body: object) => {
    const configPath = join(workDir, `${name}.scalenet.json`);
    writeFileSync(configPath, JSON.stringify(body));
    const started = await sidecar.connection.sendRequest(RunStartRequest.type, { configPath });
    const finished = await sidecar.waitFinished(started.runId, 300_000);
    assert.equal(finished.status, 'completed', JSON.stringify(finished.error));
    return started;
  };

  before(async () => {
    workDir = tempDir('own-images');
    await writePool(join(workDir, 'pool'), POOL_IMAGES, SIZE, 11);
    const labelled = await writeLabelled(join(workDir, 'labelled'), PER_CLASS, SIZE, 12);
    // Two labelled images that also sit in the pool: the leak the run must report.
    mkdirSync(join(workDir, 'pool', 'leaked'));
    copyFileSync(labelled.red[0], join(workDir, 'pool', 'leaked', 'copy-red.png'));
    copyFileSync(labelled.blue[3], join(workDir, 'pool', 'leaked', 'copy-blue.png'));
    sidecar = await startSidecar({ SCALENET_BACKEND: 'wasm' });
    poolRun = (await start('pool', config('pool', 4))).runDir;
  });

  after(async () => {
    if (sidecar.child.exitCode === null) {
      await sidecar.connection.sendRequest(ShutdownRequest.type, {});
      await sidecar.exit();
    }
  });

  it('saves both sources’ counts and the seeded split, and reports the leak', () => {
    const { sources } = readJson<RunSummary>(join(poolRun, 'summary.json'));
    assert.ok(sources);
    const poolImages = POOL_IMAGES + LEAKED;
    assert.equal(sources.pretext.images, poolImages);
    assert.equal(sources.pretext.heldOutImages, HELD_OUT);
    assert.equal(sources.pretext.trainImages, poolImages - HELD_OUT);
    assert.match(sources.pretext.dataset, /^pool:/);
    assert.deepEqual(sources.evaluation.classNames, ['blue', 'red']);
    assert.equal(sources.evaluation.split, 'seeded');
    // 30% of 20 per class, stratified.
    assert.deepEqual(sources.evaluation.testPerClass, [6, 6]);
    assert.deepEqual(sources.evaluation.trainPerClass, [14, 14]);
    const split = readJson<{ test: number[]; count: number }>(
      join(poolRun, 'evaluation-split.json'),
    );
    assert.equal(split.count, 2 * PER_CLASS);
    assert.equal(split.test.length, 12);
    assert.equal(sources.leaks?.count, LEAKED);
    const leakedFiles = sources.leaks.examples.map((e) => basename(e.pretext)).sort();
    assert.deepEqual(leakedFiles, ['copy-blue.png', 'copy-red.png']);
    // Said before training: the loading message the CLI prints.
    const told = sidecar.progress.find(
      (p) => p.phase === 'loading' && p.message?.includes('labelled images'),
    );
    assert.ok(told, 'a loading message with the counts');
    assert.match(told.message!, /pretext: 146 images/);
    assert.match(told.message!, /train 28: blue 14, red 14/);
    assert.match(told.message!, /warning: 2 labelled images/);
  });

  it('learns the labelled classes from pool features: above-chance downstream accuracy', () => {
    const { metrics, notes } = readJson<RunSummary>(join(poolRun, 'summary.json'));
    // 40 labels asked for, 28 labelled training images: clamped, said, named by what is used.
    assert.deepEqual(notes, [
      'evaluation.finetune.labels 40 is more than the 28 labelled training images: using all 28 (reported as finetune@28)',
    ]);
    const finetune = metrics[FINETUNE];
    assert.ok(finetune >= 0.75, `fine-tune accuracy ${finetune} on 12 test images, chance 0.5`);
    assert.ok(metrics['knn/accuracy'] >= 0.75, `kNN accuracy ${metrics['knn/accuracy']}`);
  });

  it('embed and predict of the test split read the labelled set, not the pool', async () => {
    const { metrics } = readJson<RunSummary>(join(poolRun, 'summary.json'));
    const predicted = await sidecar.connection.sendRequest(ModelPredictRequest.type, {
      runDir: poolRun,
      images: { kind: 'split', split: 'test' },
      outFile: join(workDir, 'predict.csv'),
    });
    assert.deepEqual(predicted.classNames, ['blue', 'red']);
    assert.equal(predicted.count, 12);
    assert.equal(predicted.labelled, 12);
    assert.equal(predicted.accuracy, metrics[FINETUNE]);
    const embedded = await sidecar.connection.sendRequest(ModelEmbedRequest.type, {
      runDir: poolRun,
      images: { kind: 'split', split: 'train' },
      outFile: join(workDir, 'train.npy'),
    });
    assert.equal(embedded.count, 28);
    assert.equal(embedded.labelled, 28);
  });

  it('maps the labelled test images of each stage (model/map): one point each, kNN caption', async () => {
    const map = await sidecar.connection.sendRequest(ModelMapRequest.type, { runDir: poolRun });
    assert.deepEqual(map.classNames, ['blue', 'red']);
    assert.equal(map.thumbnails.length, 12);
    assert.deepEqual(
      map.stages.map((s) => [s.layer, s.points.length]),
      [
        ['stage1', 12],
        ['stage2', 12],
      ],
    );
    // Red and blue are far apart in any features: the last stage's neighbours agree.
    assert.ok(map.stages[1].knnAccuracy >= 0.75, `kNN ${map.stages[1].knnAccuracy}`);
  });

  it('explains the classifier on the labelled test images, not the pool (gradcam/compute)', async () => {
    const explained = await sidecar.connection.sendRequest(GradcamComputeRequest.type, {
      runDir: poolRun,
      images: { kind: 'dataset', indices: [0, 1, 2, 11], split: 'test' },
      stages: ['stage2'],
      model: 'classifier',
    });
    assert.deepEqual(explained.classNames, ['blue', 'red']);
    assert.equal(explained.labels, 28);
    // The seeded split's test images, as model/predict reads them: labels and class names known.
    const split = readJson<{ test: number[] }>(join(poolRun, 'evaluation-split.json'));
    assert.equal(split.test.length, 12);
    assert.deepEqual(
      explained.images.map((image) => image.index),
      [0, 1, 2, 11],
    );
    for (const image of explained.images) {
      assert.ok(image.label === 0 || image.label === 1, `label ${image.label}`);
      assert.equal(image.className, ['blue', 'red'][image.label]);
      assert.equal(image.width, SIZE);
      assert.equal(image.maps.length, 1);
    }
    // Red and blue are easy: the fine-tuned head names the class of most of them.
    const right = explained.images.filter((image) => image.predicted.index === image.label);
    assert.ok(right.length >= 3, `${right.length} of 4 predicted right`);
    // Index 12 would be a pool image; the labelled test split holds 12 (0-11).
    await assert.rejects(
      sidecar.connection.sendRequest(GradcamComputeRequest.type, {
        runDir: poolRun,
        images: { kind: 'dataset', indices: [12], split: 'test' },
        stages: ['stage2'],
        model: 'classifier',
      }),
      /index 12 is outside the test split \(0-11\)/,
    );
  });

  it('starts a run from another run’s trunk: lower first-step loss, lineage recorded', async () => {
    const fresh = firstStepLoss(poolRun);
    assert.ok(fresh !== undefined && Math.abs(fresh - Math.log(4)) < 0.25, `fresh ${fresh}`);
    const transferred = await start(
      'transfer',
      config('transfer', 1, {
        pretext: {
          scales: [1],
          epochs: [1],
          lr: [0.1],
          batchSize: 16,
          heldOut: HELD_OUT,
          initFrom: { run: poolRun },
        },
      }),
    );
    const loss = firstStepLoss(transferred.runDir)!;
    assert.ok(loss < fresh - 0.4, `first-step loss ${loss} from a trained run, fresh ${fresh}`);
    const { lineage } = readJson<RunSummary>(join(transferred.runDir, 'summary.json'));
    assert.equal(lineage?.runId, basename(poolRun));
    assert.equal(lineage?.checkpoint, 'stage1');
    assert.equal(lineage?.method, 'rotnet');
    assert.equal(lineage?.copiedLayers, lineage?.weightedLayers);
  });

  it('refuses a missing run, a missing checkpoint and another network by field', async () => {
    const refused = async (initFrom: object, model?: object) => {
      const body = config('bad', 1);
      const configPath = join(workDir, 'bad.scalenet.json');
      writeFileSync(
        configPath,
        JSON.stringify({
          ...body,
          model: model ?? body.model,
          pretext: { ...body.pretext, initFrom },
        }),
      );
      try {
        await sidecar.connection.sendRequest(RunStartRequest.type, { configPath });
      } catch (error) {
        assert.ok(error instanceof ResponseError, String(error));
        assert.equal(error.code, ErrorCodes.config, error.message);
        return (error as ResponseError<ErrorData>).data!;
      }
      assert.fail('run/start accepted the config');
    };
    const missing = await refused({ run: 'no-such-run' });
    assert.equal(missing.field, 'pretext.initFrom.run');
    assert.match(missing.fix, /runs folder/);
    const noCheckpoint = await refused({ run: poolRun, checkpoint: 'stage7' });
    assert.equal(noCheckpoint.field, 'pretext.initFrom.checkpoint');
    assert.match(noCheckpoint.fix, /"stage1"/);
    const other = await refused({ run: poolRun }, { blocks: [1, 1], widths: [16, 32] });
    assert.equal(other.field, 'pretext.initFrom');
    assert.match(other.problem ?? '', /widths \[8, 16\].*widths \[16, 32\]/);
    const runs = readdirSync(join(workDir, '.scalenet', 'runs'));
    assert.deepEqual(
      runs.filter((name) => name.startsWith('bad-')),
      [],
      'no run folder made',
    );
  });
});
