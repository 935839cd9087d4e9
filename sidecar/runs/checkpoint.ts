/**
 * A checkpoint folder: everything a run needs to continue where it stopped.
 *   model.json + weights.bin      the model (all weights, BatchNorm moving stats included)
 *   optimizer.json + optimizer.bin the optimizer's slots (e.g. SGD momentum accumulators)
 *   state.json                     the trainer's own state (stage, epoch, metrics, ...)
 * The folder is replaced as a whole (util/atomicWrite): a crash leaves the previous
 * checkpoint or the new one, never a mix.
 *
 * Optimizer slots are named after tfjs variable names (`conv2d_Conv2D1/kernel/momentum`),
 * and a model loaded in another process (or a second time in this one) gets different
 * variable names (`conv2d_Conv2D1/kernel_1`). So slots are stored under the weight's
 * stable `originalName` (what model.json uses) and renamed to the loaded model's
 * variables on load. Their order is kept: tfjs optimizers match slots by position.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { modelFilesHandler, writeModelFiles } from '../models/modelIO';
import { resolveAtomicDir, writeDirAtomic, writeFileDurable } from '../util/atomicWrite';

export const STATE_JSON = 'state.json';
export const OPTIMIZER_JSON = 'optimizer.json';
export const OPTIMIZER_BIN = 'optimizer.bin';

/** What `Optimizer.getWeights()` returns and `setWeights()` takes. */
export type OptimizerWeights = Awaited<ReturnType<tf.Optimizer['getWeights']>>;

export interface CheckpointInput<S> {
  model: tf.LayersModel;
  /** Omitted at stage ends, where the next stage starts a fresh optimizer. */
  optimizer?: tf.Optimizer;
  /** Plain JSON. */
  state: S;
}

export interface LoadedCheckpoint<S> {
  model: tf.LayersModel;
  /**
   * For `optimizer.setWeights()` on a freshly made optimizer of the same kind; the caller
   * owns (and disposes) these tensors. Absent when the checkpoint has no optimizer.
   */
  optimizerWeights?: OptimizerWeights;
  /** The optimizer's class and config at save time, for checking it matches. */
  optimizer?: { className: string; config: tf.serialization.ConfigDict };
  state: S;
}

/** One optimizer slot: the model weight it belongs to and its kind (`momentum`, `m`, ...). */
interface SlotRecord {
  /** The name the slot is stored under in optimizer.bin. */
  name: string;
  /** `originalName` of the model weight the slot belongs to; absent for `iter` etc. */
  weight?: string;
  suffix?: string;
}

interface OptimizerFile {
  className: string;
  config: tf.serialization.ConfigDict;
  slots: SlotRecord[];
  specs: tf.io.WeightsManifestEntry[];
}

/** Maps a slot's variable-based name onto the model weight it belongs to, if any. */
function slotRecord(slotName: string, weights: tf.LayerVariable[]): SlotRecord {
  let owner: tf.LayerVariable | undefined;
  for (const w of weights) {
    // Longest match: `dense/kernel_1` must not claim a slot of `dense/kernel_10`.
    if (slotName.startsWith(`${w.name}/`) && (owner == null || w.name.length > owner.name.length)) {
      owner = w;
    }
  }
  if (owner == null) {
    return { name: slotName };
  }
  const suffix = slotName.slice(owner.name.length + 1);
  return { name: `${owner.originalName}/${suffix}`, weight: owner.originalName, suffix };
}

async function writeOptimizer(
  optimizer: tf.Optimizer,
  model: tf.LayersModel,
  dir: string,
): Promise<void> {
  const slots = await optimizer.getWeights();
  const records = slots.map((slot) => slotRecord(slot.name, model.weights));
  const renamed = slots.map((slot, i) => ({ name: records[i].name, tensor: slot.tensor }));
  const { data, specs } = await tf.io.encodeWeights(renamed);
  // getWeights() makes a new scalar for `iter`; the accumulators are the live variables.
  tf.dispose(slots.filter((s) => s.name === 'iter').map((s) => s.tensor));
  const file: OptimizerFile = {
    className: optimizer.getClassName(),
    config: optimizer.getConfig(),
    slots: records,
    specs,
  };
  writeFileDurable(join(dir, OPTIMIZER_BIN), new Uint8Array(data));
  writeFileDurable(join(dir, OPTIMIZER_JSON), JSON.stringify(file));
}

function readOptimizer(
  dir: string,
  model: tf.LayersModel,
): Pick<LoadedCheckpoint<unknown>, 'optimizer' | 'optimizerWeights'> {
  const file = JSON.parse(readFileSync(join(dir, OPTIMIZER_JSON), 'utf8')) as OptimizerFile;
  const bytes = readFileSync(join(dir, OPTIMIZER_BIN));
  const data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const byName = tf.io.decodeWeights(data, file.specs);
  const variableOf = new Map(model.weights.map((w) => [w.originalName, w.name]));
  const optimizerWeights = file.slots.map((slot) => {
    const tensor = byName[slot.name];
    if (tensor == null) {
      throw new Error(
        `Checkpoint ${dir}: optimizer slot ${slot.name} is missing from ${OPTIMIZER_BIN}`,
      );
    }
    if (slot.weight == null || slot.suffix == null) {
      return { name: slot.name, tensor };
    }
    const variable = variableOf.get(slot.weight);
    if (variable == null) {
      throw new Error(
        `Checkpoint ${dir}: optimizer state refers to weight ${slot.weight}, which the model lacks`,
      );
    }
    return { name: `${variable}/${slot.suffix}`, tensor };
  });
  return {
    optimizer: { className: file.className, config: file.config },
    optimizerWeights,
  };
}

/** Writes model, optimizer slots and trainer state into `dir`, replacing it atomically. */
export async function saveCheckpoint<S>(dir: string, input: CheckpointInput<S>): Promise<void> {
  const { model, optimizer, state } = input;
  await writeDirAtomic(dir, async (temp) => {
    await writeModelFiles(model, temp);
    if (optimizer != null) {
      await writeOptimizer(optimizer, model, temp);
    }
    writeFileDurable(join(temp, STATE_JSON), JSON.stringify(state, null, 2) + '\n');
  });
}

/**
 * Loads a checkpoint on the active backend. `S` is whatever the writer saved as state; it
 * is not validated here (the trainer that wrote it reads it).
 */
export async function loadCheckpoint<S = unknown>(dir: string): Promise<LoadedCheckpoint<S>> {
  const resolved = resolveAtomicDir(dir);
  if (resolved == null) {
    throw new Error(`No checkpoint at ${dir}`);
  }
  const state = JSON.parse(readFileSync(join(resolved, STATE_JSON), 'utf8')) as S;
  const model = await tf.loadLayersModel(modelFilesHandler(resolved));
  let optimizerPart: Pick<LoadedCheckpoint<S>, 'optimizer' | 'optimizerWeights'> = {};
  try {
    optimizerPart = readOptimizerIfPresent(resolved, model);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { model, state, ...optimizerPart };
}

function readOptimizerIfPresent(
  dir: string,
  model: tf.LayersModel,
): Pick<LoadedCheckpoint<unknown>, 'optimizer' | 'optimizerWeights'> {
  return existsSync(join(dir, OPTIMIZER_JSON)) ? readOptimizer(dir, model) : {};
}
