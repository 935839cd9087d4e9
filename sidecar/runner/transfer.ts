/**
 * Transfer between runs (`pretext.initFrom`): a new run's first stage starts from
 * another run's checkpoint — RotNet from a ScaleNet run, a run on new data from an older
 * run (the paper's Table 4). Every layer of the new model with weights whose name and
 * weight shapes match a layer of the checkpoint is copied: the whole trunk always (else
 * the checkpoint is refused as incompatible), the rotation head too when both models
 * have it, never a head the other method does not have (SimCLR's projection).
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { ConfigError } from '../config/configError';
import { HEAD_LAYER } from '../models/layers';
import type { ModelConfig, RunLineage, ScaleNetConfig } from '../protocol';
import { loadCheckpoint } from '../runs/checkpoint';
import { CHECKPOINTS_DIR, readRunConfig, readSummary } from '../runs/runStore';
import { resolveAtomicDir } from '../util/atomicWrite';

const FIELD = 'pretext.initFrom';

export interface InitSource {
  runDir: string;
  label: string;
  checkpointDir: string;
  config: ScaleNetConfig;
}

/** The model fields that make two trunks the same network. */
function modelShape(model: ModelConfig, channels: number): string {
  const parts: string[] = [model.arch];
  if (model.arch === 'resnet')
    parts.push(
      `blocks [${model.blocks.join(', ')}]`,
      `widths [${model.widths.join(', ')}]`,
      `stem ${model.stem}`,
    );
  else if (model.arch === 'alexnet') parts.push(`variant ${model.variant}`);
  else if (model.arch === 'nin')
    parts.push(`${model.ninBlocks} blocks`, `width ${model.width ?? 'default'}`);
  else parts.push(`width ${model.width ?? 'default'}`, `stem ${model.stem}`);
  parts.push(`${channels} input channels`);
  return parts.join(', ');
}

/**
 * The checkpoint `pretext.initFrom` names, checked before a run starts: the run exists,
 * has that checkpoint, and trains the same network. Errors name the field and the fix.
 */
export function locateInitFrom(config: ScaleNetConfig, configFile: string): InitSource | undefined {
  const init = config.pretext.initFrom;
  if (!init) return undefined;
  const runDir = init.run;
  if (!existsSync(join(runDir, 'config.json'))) {
    throw new ConfigError(
      configFile,
      `${FIELD}.run`,
      `is not a run folder (no ${join(runDir, 'config.json')})`,
      'Point pretext.initFrom.run at a folder in your runs folder (<runsDir>/<name>-<time>).',
    );
  }
  const label = init.checkpoint ?? basename(readSummary(runDir)?.latestCheckpoint ?? '');
  const checkpointDir = resolveAtomicDir(join(runDir, CHECKPOINTS_DIR, label));
  if (!label || !checkpointDir) {
    const available = existsSync(join(runDir, CHECKPOINTS_DIR))
      ? readdirSync(join(runDir, CHECKPOINTS_DIR)).filter((n) => !n.includes('.'))
      : [];
    throw new ConfigError(
      configFile,
      `${FIELD}.checkpoint`,
      label
        ? `names checkpoint "${label}", which ${basename(runDir)} does not have`
        : `is left out and ${basename(runDir)} has no checkpoint yet`,
      available.length > 0
        ? `Use one of: ${available.map((n) => JSON.stringify(n)).join(', ')}.`
        : 'Train that run first (it writes a checkpoint at the end of every stage), or start from another run.',
    );
  }
  const source = readRunConfig(runDir);
  const want = modelShape(config.model, config.data.channels);
  const have = modelShape(source.model, source.data.channels);
  if (want !== have) {
    throw new ConfigError(
      configFile,
      FIELD,
      `names a run of another network: ${basename(runDir)} trained ${have}, this config trains ${want}`,
      'Start from a run with the same model (arch, blocks, widths) and data.channels, or change this config’s model to match it.',
    );
  }
  return { runDir, label, checkpointDir, config: source };
}

/** Copies the checkpoint's matching layers into `model`; returns the lineage to record. */
export async function initFromRun(
  model: tf.LayersModel,
  config: ScaleNetConfig,
  configFile: string,
): Promise<RunLineage | undefined> {
  const source = locateInitFrom(config, configFile);
  if (!source) return undefined;
  const checkpoint = await loadCheckpoint(source.checkpointDir);
  try {
    const from = new Map(checkpoint.model.layers.map((l) => [l.name, l]));
    let copied = 0;
    let weighted = 0;
    for (const layer of model.layers) {
      const target = layer.getWeights();
      if (target.length === 0) continue;
      weighted++;
      const origin = from.get(layer.name);
      const weights = origin?.getWeights() ?? [];
      const fits =
        weights.length === target.length &&
        weights.every((w, i) => w.shape.join('x') === target[i].shape.join('x'));
      if (fits) {
        // Copies: the checkpoint's model (and its tensors) is disposed below.
        const copies = weights.map((w) => w.clone());
        layer.setWeights(copies);
        copies.forEach((c) => c.dispose());
        copied++;
        continue;
      }
      // A head the other method has in another form (or not at all) stays fresh; a trunk
      // layer that does not fit means the networks differ after all.
      if (origin !== undefined && layer.name !== HEAD_LAYER) {
        throw new ConfigError(
          configFile,
          FIELD,
          `names a checkpoint whose layer ${layer.name} has weights ${weights.map((w) => `[${w.shape.join(', ')}]`).join(' ')} where this model has ${target.map((w) => `[${w.shape.join(', ')}]`).join(' ')}`,
          'Start from a run with the same model and data.channels.',
        );
      }
    }
    if (copied === 0) {
      throw new ConfigError(
        configFile,
        FIELD,
        'names a checkpoint with no layer in common with this model',
        'Start from a run with the same model and data.channels.',
      );
    }
    return {
      run: source.runDir,
      runId: basename(source.runDir),
      checkpoint: source.label,
      method: source.config.method,
      scales: source.config.pretext.scales,
      dataset: source.config.data.path
        ? `${source.config.data.dataset}:${source.config.data.path}`
        : source.config.data.dataset,
      copiedLayers: copied,
      weightedLayers: weighted,
      from: readSummary(source.runDir)?.lineage,
    };
  } finally {
    checkpoint.model.dispose();
    checkpoint.optimizerWeights?.forEach((w) => w.tensor.dispose());
  }
}
