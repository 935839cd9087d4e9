/**
 * `model/embed`: the trunk's pooled features (global average over the map, as the kNN
 * monitor and the linear probes see them) at one named output for a set of images,
 * written as a [count, dim] float32 .npy and a CSV of the rows: index, file, label.
 */
import { extractFeatures } from '../eval/features';
import { ParamsError } from '../inspect/errors';
import { namedOutputs } from '../models/buildModel';
import type { ModelEmbedParams, ModelEmbedResult } from '../protocol';
import { writeFileAtomic } from '../util/atomicWrite';
import { csvLine } from './csv';
import { requestImages } from './modelImages';
import { encodeNpyFloat32 } from './npy';
import { ensureParent, evaluationStats, loadPretext } from './runModel';
import type * as tf from '@tensorflow/tfjs';

/** The CSV beside a .npy: same name, .csv. */
export function csvBeside(npyFile: string): string {
  return npyFile.replace(/\.npy$/i, '') + '.csv';
}

function chooseLayer(model: tf.LayersModel, layer?: string): string {
  const named = namedOutputs(model);
  if (layer === undefined) {
    if (named.length === 0) throw new ParamsError('the model has no named stage outputs');
    return named[named.length - 1];
  }
  const known = [...named, 'pool'];
  if (!known.includes(layer)) {
    throw new ParamsError(`unknown layer ${layer}: this model has ${known.join(', ')}`);
  }
  return layer;
}

export async function embedImages(params: ModelEmbedParams): Promise<ModelEmbedResult> {
  const started = performance.now();
  if (typeof params.outFile !== 'string' || !params.outFile.toLowerCase().endsWith('.npy')) {
    throw new ParamsError('outFile must be the path of a .npy file');
  }
  const net = await loadPretext(params.runDir, params.checkpoint);
  try {
    const layer = chooseLayer(net.model, params.layer);
    const { set, train } = await requestImages(params.images, params.runDir, net.config);
    const stats = evaluationStats(params.runDir, net.config, train);
    const features = await extractFeatures(net.model, set, { stats }, { layers: [layer] });
    const matrix = features.get(layer);
    if (!matrix) throw new Error(`no features for ${layer}`);
    ensureParent(params.outFile);
    writeFileAtomic(params.outFile, encodeNpyFloat32(matrix.values, [matrix.count, matrix.dim]));
    const csvFile = csvBeside(params.outFile);
    let csv = csvLine(['row', 'file', 'label', 'class']);
    set.names.forEach((name, i) => {
      const label = set.labels[i];
      csv += csvLine([
        i,
        name,
        label >= 0 ? label : '',
        label >= 0 ? (train.classNames[label] ?? '') : '',
      ]);
    });
    writeFileAtomic(csvFile, csv);
    return {
      file: params.outFile,
      csvFile,
      checkpoint: net.checkpointDir,
      layer,
      count: matrix.count,
      dim: matrix.dim,
      labelled: set.labels.filter((l) => l >= 0).length,
      elapsedMs: performance.now() - started,
    };
  } finally {
    net.model.dispose();
  }
}
