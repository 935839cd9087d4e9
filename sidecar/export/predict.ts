/**
 * `model/predict`: a kept fine-tuned classifier's class probabilities for a set of
 * images, standardised with the stats it was trained with (classifier.json), in the
 * same batches and order as the run's own test pass. CSV columns: row, file, label,
 * predicted, probability, then one probability per class.
 */
import * as tf from '@tensorflow/tfjs';
import { chunks, inputBatch, allIndices, checkpointLoop } from '../eval/batches';
import { ParamsError } from '../inspect/errors';
import { readRunConfigAbsolute } from '../gradcam/runContext';
import type { ModelPredictParams, ModelPredictResult } from '../protocol';
import { writeFileAtomic } from '../util/atomicWrite';
import { loadClassifier } from '../runs/classifierStore';
import { csvLine } from './csv';
import { requestImages, type NamedImages } from './modelImages';
import { ensureParent } from './runModel';
import type { ChannelStats } from '../transforms/standardize';

/** Softmax probabilities [count x classes] of the set, batch by batch. */
export async function classProbabilities(
  model: tf.LayersModel,
  set: NamedImages,
  stats: ChannelStats,
  batchSize = 64,
): Promise<Float32Array> {
  const classes = model.outputs[0].shape[1] ?? 0;
  const probs = new Float32Array(set.count * classes);
  let done = 0;
  for (const chunk of chunks(allIndices(set.count), batchSize)) {
    await checkpointLoop();
    const batch = inputBatch(set, chunk, { stats });
    const p = tf.tidy(() => {
      const x = tf.tensor4d(batch.x, [batch.count, batch.height, batch.width, batch.channels]);
      return tf.softmax(model.predict(x) as tf.Tensor2D);
    });
    probs.set(p.dataSync(), done * classes);
    p.dispose();
    done += chunk.length;
  }
  return probs;
}

export async function predictImages(params: ModelPredictParams): Promise<ModelPredictResult> {
  const started = performance.now();
  if (typeof params.outFile !== 'string' || params.outFile.length === 0) {
    throw new ParamsError('outFile must be the path of the CSV to write');
  }
  const config = await readRunConfigAbsolute(params.runDir);
  const classifier = await loadClassifier(params.runDir, params.labels);
  try {
    const { info, model } = classifier;
    const { set } = await requestImages(params.images, params.runDir, config);
    if (set.height !== info.inputSize || set.channels !== info.channels) {
      throw new ParamsError(
        `the images are ${set.height}px x ${set.channels} channels, the classifier takes ${info.inputSize}px x ${info.channels}`,
      );
    }
    const probs = await classProbabilities(model, set, info.stats);
    const classes = info.classNames.length;
    const predictedCounts = new Array<number>(classes).fill(0);
    let labelled = 0;
    let hits = 0;
    let csv = csvLine(['row', 'file', 'label', 'predicted', 'probability', ...info.classNames]);
    for (let i = 0; i < set.count; i++) {
      const row = probs.subarray(i * classes, (i + 1) * classes);
      let best = 0;
      for (let k = 1; k < classes; k++) if (row[k] > row[best]) best = k;
      predictedCounts[best]++;
      const label = set.labels[i];
      if (label >= 0) {
        labelled++;
        if (label === best) hits++;
      }
      csv += csvLine([
        i,
        set.names[i],
        label >= 0 ? (info.classNames[label] ?? label) : '',
        info.classNames[best],
        row[best].toPrecision(6),
        ...Array.from(row, (v) => v.toPrecision(6)),
      ]);
    }
    ensureParent(params.outFile);
    writeFileAtomic(params.outFile, csv);
    return {
      file: params.outFile,
      classifier: classifier.dir,
      labels: info.labels,
      classNames: info.classNames,
      count: set.count,
      labelled,
      accuracy: labelled > 0 ? hits / labelled : undefined,
      predictedCounts,
      elapsedMs: performance.now() - started,
    };
  } finally {
    classifier.model.dispose();
  }
}
