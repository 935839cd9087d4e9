/**
 * The answers to `runs/history` and `runs/stages`: what the charts and the Grad-CAM
 * pickers need from a run folder, read here so the clients parse no run file.
 */
import { buildModel, namedOutputs } from '../models/buildModel';
import { modelSpecOf } from '../models/modelSpec';
import type { RunHistory, RunStages } from '../protocol';
import { CONFIG_FILE, isRunFolder } from '../protocol/runStore';
import { DataError } from '../data/errors';
import { readMetrics, readRunConfig, readSummary } from './runStore';

function checkRunFolder(runDir: string): void {
  if (!isRunFolder(runDir)) {
    throw new DataError(
      runDir,
      `is not a run folder (it has no ${CONFIG_FILE})`,
      'Pick a folder under a runs folder, written by a ScaleNet run.',
    );
  }
}

export function runHistory(runDir: string): RunHistory {
  checkRunFolder(runDir);
  const records = readMetrics(runDir);
  const runId = readSummary(runDir)?.runId ?? records[0]?.run ?? runDir.split('/').pop()!;
  return { runId, records, scales: readRunConfig(runDir).pretext.scales };
}

/**
 * The named outputs of the run's network, read from the builder itself (a model is built
 * and freed: a few milliseconds), so no client keeps a table of architectures. SimCLR's
 * model keeps the trunk's layer names, so the trunk answers for it too.
 */
export function runStages(runDir: string): RunStages {
  checkRunFolder(runDir);
  const config = readRunConfig(runDir);
  const model = buildModel(modelSpecOf(config.model), {
    inputChannels: config.data.channels,
    classes: 4,
    seed: config.seed,
  });
  try {
    return { method: config.method, stages: namedOutputs(model) };
  } finally {
    model.dispose();
  }
}
