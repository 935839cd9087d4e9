/**
 * Save and load a tf.LayersModel as `model.json` + `weights.bin` (the standard tfjs
 * "layers-model" format) with plain `fs`, so it works on every backend: the `file://`
 * handler exists only in tfjs-node, which is optional here (ARCHITECTURE.md:
 * machine notes).
 *
 * Every weight is saved, trainable or not: BatchNormalization's moving mean and variance
 * are non-trainable weights and are part of `model.weights`, which `model.save` writes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { resolveAtomicDir, writeDirAtomic, writeFileDurable } from '../util/atomicWrite';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** Captures the artifacts `model.save` produces instead of sending them anywhere. */
async function modelArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler((artifacts) => {
      captured = artifacts;
      return Promise.resolve({
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
        },
      });
    }),
  );
  if (captured == null) {
    throw new Error('model.save produced no artifacts');
  }
  return captured;
}

/**
 * Writes model.json and weights.bin into `dir` durably but not atomically: for callers
 * that assemble a larger folder and swap it in as a whole (checkpoints).
 */
export async function writeModelFiles(model: tf.LayersModel, dir: string): Promise<void> {
  const artifacts = await modelArtifacts(model);
  if (artifacts.modelTopology == null || artifacts.weightSpecs == null) {
    throw new Error('model.save produced no topology or weight specs');
  }
  const weightData =
    artifacts.weightData == null
      ? new ArrayBuffer(0)
      : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
  const modelJSON: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs }],
  };
  if (artifacts.trainingConfig != null) modelJSON.trainingConfig = artifacts.trainingConfig;
  if (artifacts.userDefinedMetadata != null) {
    modelJSON.userDefinedMetadata = artifacts.userDefinedMetadata;
  }
  writeFileDurable(join(dir, WEIGHTS_BIN), new Uint8Array(weightData));
  writeFileDurable(join(dir, MODEL_JSON), JSON.stringify(modelJSON));
}

/** Reads model.json + weights.bin from `dir` as an IOHandler for tf.loadLayersModel. */
export function modelFilesHandler(dir: string): tf.io.IOHandler {
  return {
    load: async () => {
      const modelJSON = JSON.parse(readFileSync(join(dir, MODEL_JSON), 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(modelJSON, (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        // One group, one file, as writeModelFiles writes; other tfjs writers shard, so read
        // every path in order (the specs are laid out across them back to back).
        const buffers = manifest.flatMap((group) =>
          group.paths.map((p) => {
            const bytes = readFileSync(join(dir, p));
            return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
          }),
        );
        return Promise.resolve([specs, tf.io.CompositeArrayBuffer.join(buffers)]);
      });
    },
  };
}

/** Saves `model` into `dir` atomically: a crash leaves the old or the new model, not half. */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  await writeDirAtomic(dir, (temp) => writeModelFiles(model, temp));
}

/** Loads a model that `saveModel` (or a checkpoint) wrote, on the active backend. */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const resolved = resolveAtomicDir(dir);
  if (resolved == null) {
    throw new Error(`No saved model at ${dir}`);
  }
  return tf.loadLayersModel(modelFilesHandler(resolved));
}
