/**
 * `model/export`: a run's trunk (image → pooled features, the `pool` layer) and its kept
 * fine-tuned classifiers (image → logits), each three ways:
 *   tfjs/<name>/model.json + weights.bin   tf.loadLayersModel, in a browser or Node
 *   <name>.safetensors                     every weight as `<layer>/<weight>`, float32
 *   <name>.layers.json                     the input (shape, layout, standardisation) and
 *                                          the layers in order: op, config, inputs, weights
 * so the network can be rebuilt in PyTorch or NumPy from the last two without this
 * product. Kernels keep TensorFlow's layouts (conv HWIO, dense IO), said in the JSON.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ParamsError } from '../inspect/errors';
import { FEATURE_LAYER } from '../models/layers';
import { countParameters } from '../models/buildModel';
import { writeModelFiles } from '../models/modelIO';
import type { ExportedModel, ModelExportParams, ModelExportResult } from '../protocol';
import type { ChannelStats } from '../transforms/standardize';
import { writeDirAtomic, writeFileAtomic } from '../util/atomicWrite';
import { listClassifiers, loadClassifier } from '../runs/classifierStore';
import { labelledSplit } from '../gradcam/labelledSplits';
import { evaluationStats, ensureParent, loadPretext } from './runModel';
import { encodeSafetensors, type NamedTensor } from './safetensors';

/** Config keys that say what a layer computes (the rest is initialisers and names). */
const CONFIG_KEYS = [
  'filters',
  'kernelSize',
  'strides',
  'padding',
  'dilationRate',
  'useBias',
  'activation',
  'units',
  'poolSize',
  'axis',
  'epsilon',
  'momentum',
  'center',
  'scale',
  'rate',
  'dataFormat',
];

export interface LayerDescription {
  name: string;
  op: string;
  config: Record<string, unknown>;
  /** Layers whose outputs this one takes, in order (two for an Add). */
  inputs: string[];
  outputShape: (number | null)[];
  weights: { name: string; shape: number[]; dtype: string }[];
}

export interface ModelDescription {
  format: 'scalenet-layers';
  version: 1;
  name: string;
  input: {
    shape: (number | null)[];
    layout: 'NHWC';
    /** x = (pixel 0..255 - mean[c]) / std[c], per channel. */
    standardize: ChannelStats;
  };
  output: { layer: string; shape: (number | null)[] };
  /** Kernel layouts, for loaders in other frameworks. */
  layouts: { conv2d: 'HWIO'; dense: 'IO' };
  layers: LayerDescription[];
}

function inboundNames(layer: tf.layers.Layer): string[] {
  const node = layer.inboundNodes[0];
  return node ? node.inboundLayers.map((l) => l.name) : [];
}

export function describeModel(model: tf.LayersModel, stats: ChannelStats): ModelDescription {
  const layers = model.layers.map((layer): LayerDescription => {
    const config = layer.getConfig();
    return {
      name: layer.name,
      op: layer.getClassName(),
      config: Object.fromEntries(CONFIG_KEYS.filter((k) => k in config).map((k) => [k, config[k]])),
      inputs: inboundNames(layer),
      outputShape: layer.outputShape as (number | null)[],
      weights: layer.weights.map((w) => ({
        name: w.originalName,
        shape: w.shape as number[],
        dtype: w.dtype,
      })),
    };
  });
  return {
    format: 'scalenet-layers',
    version: 1,
    name: model.name,
    input: {
      shape: model.inputs[0].shape,
      layout: 'NHWC',
      standardize: { mean: [...stats.mean], std: [...stats.std] },
    },
    output: { layer: model.outputs[0].sourceLayer.name, shape: model.outputs[0].shape },
    layouts: { conv2d: 'HWIO', dense: 'IO' },
    layers,
  };
}

/** Every weight in layer order, under its stable `<layer>/<weight>` name. */
export function namedWeights(model: tf.LayersModel): NamedTensor[] {
  return model.layers.flatMap((layer) =>
    layer.weights.map((w) => ({
      name: w.originalName,
      shape: w.shape as number[],
      values: Float32Array.from(w.read().dataSync() as Float32Array),
    })),
  );
}

/** Image → pooled features: the pretext network without its head. Shares its weights. */
export function trunkOf(model: tf.LayersModel): tf.LayersModel {
  const names = model.layers.map((l) => l.name);
  if (!names.includes(FEATURE_LAYER)) {
    throw new ParamsError(`the model has no ${FEATURE_LAYER} layer to end the trunk at`);
  }
  const output = model.getLayer(FEATURE_LAYER).getOutputAt(0) as tf.SymbolicTensor;
  return tf.model({ inputs: model.inputs, outputs: output, name: 'trunk' });
}

async function exportOne(
  model: tf.LayersModel,
  name: string,
  stats: ChannelStats,
  outDir: string,
  metadata: Record<string, string>,
): Promise<ExportedModel> {
  const tfjs = join(outDir, 'tfjs', name);
  await writeDirAtomic(tfjs, (temp) => writeModelFiles(model, temp));
  const safetensors = join(outDir, `${name}.safetensors`);
  writeFileAtomic(safetensors, encodeSafetensors(namedWeights(model), metadata));
  const layers = join(outDir, `${name}.layers.json`);
  writeFileAtomic(layers, JSON.stringify(describeModel(model, stats), null, 1) + '\n');
  return {
    name,
    tfjs,
    safetensors,
    layers,
    parameters: countParameters(model),
    inputShape: model.inputs[0].shape.map((d) => d ?? -1),
    outputShape: model.outputs[0].shape.map((d) => d ?? -1),
  };
}

export async function exportRun(params: ModelExportParams): Promise<ModelExportResult> {
  const started = performance.now();
  if (typeof params.outDir !== 'string' || params.outDir.length === 0) {
    throw new ParamsError('outDir must be the folder to write');
  }
  ensureParent(join(params.outDir, 'x'));
  const net = await loadPretext(params.runDir, params.checkpoint);
  const models: ExportedModel[] = [];
  try {
    const train = await labelledSplit(params.runDir, net.config, 'train');
    const stats = await evaluationStats(params.runDir, net.config, train);
    const metadata = { run: params.runDir, checkpoint: net.checkpointDir, format: 'pt' };
    models.push(await exportOne(trunkOf(net.model), 'trunk', stats, params.outDir, metadata));
  } finally {
    net.model.dispose();
  }
  if (params.classifiers !== false) {
    for (const labels of listClassifiers(params.runDir)) {
      const kept = await loadClassifier(params.runDir, labels);
      try {
        const name = `classifier@${labels}`;
        const metadata = {
          run: params.runDir,
          classNames: JSON.stringify(kept.info.classNames),
          format: 'pt',
        };
        models.push(await exportOne(kept.model, name, kept.info.stats, params.outDir, metadata));
        writeFileAtomic(
          join(params.outDir, `${name}.classes.json`),
          JSON.stringify(kept.info.classNames) + '\n',
        );
      } finally {
        kept.model.dispose();
      }
    }
  }
  return {
    outDir: params.outDir,
    checkpoint: net.checkpointDir,
    models,
    elapsedMs: performance.now() - started,
  };
}
