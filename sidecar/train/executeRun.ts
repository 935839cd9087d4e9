/**
 * One run from start (or resume) to its end: data, model, the pretext chain, and the
 * run folder kept current (summary, metrics, checkpoints) so that a crash at any
 * moment loses at most the work since the last checkpoint.
 */
import { existsSync } from 'node:fs';
import { serializeSubset } from '../data/subsetFile';
import { join, relative } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { ConfigError } from '../config/configError';
import { buildModel, minInputSize, type ModelSpec } from '../models/buildModel';
import type { RunProgressParams, RunStatus, ScaleNetConfig } from '../protocol';
import { loadCheckpoint, saveCheckpoint, type OptimizerWeights } from '../runs/checkpoint';
import {
  CHECKPOINTS_DIR,
  METRICS_FILE,
  MetricsLog,
  readSummary,
  writeSummary,
  type RunSummary,
} from '../runs/runStore';
import { writeFileAtomic } from '../util/atomicWrite';
import { saveClassifier } from '../export/classifierStore';
import { buildSimclrModel } from '../simclr/projectionHead';
import { trainSimclr } from '../simclr/trainSimclr';
import { trainPretext, type TrainerState } from './pretext';
import { evaluateDownstream, evaluationSets, knnAccuracyAt } from './evaluation';
import { modelSpecOf } from './modelSpec';
import { loadPreparedData, type PreparedData } from './stageData';
import { throttleLatest } from './throttle';

export interface ExecuteRunOptions {
  runId: string;
  runDir: string;
  config: ScaleNetConfig;
  signal: AbortSignal;
  resume: boolean;
  /** The user's config file, for errors found once the data is known. */
  configFile: string;
  backendLabel: string;
  onProgress: (progress: Omit<RunProgressParams, 'runId'>) => void;
}

export interface ExecuteRunResult {
  status: RunStatus;
  metrics: Record<string, number>;
  checkpoint?: string;
}

const SUBSET_FILE = 'subset.json';
/** A few progress notifications a second at most (DESIGN.md). */
const PROGRESS_INTERVAL_MS = 250;

export async function executeRun(options: ExecuteRunOptions): Promise<ExecuteRunResult> {
  const { runId, runDir, config, signal } = options;
  const summary: RunSummary = readSummary(runDir) ?? {
    runId,
    name: config.name,
    status: 'running',
    startedAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    backend: options.backendLabel,
    metrics: {},
  };
  const saveSummary = (patch: Partial<RunSummary>) => {
    Object.assign(summary, patch, { updatedAt: new Date().toISOString() });
    writeSummary(runDir, summary);
  };
  saveSummary({
    status: 'running',
    backend: options.backendLabel,
    pid: process.pid,
    error: undefined,
  });

  const progress = throttleLatest(options.onProgress, PROGRESS_INTERVAL_MS);
  progress.push(statusProgress(config, 'loading', 'loading data'));

  // A resumed run keeps its own images; a new one may reuse another run's (data.subset).
  const subsetFile = join(runDir, SUBSET_FILE);
  const ownSubset = existsSync(subsetFile);
  const data = await loadPreparedData(config, ownSubset ? subsetFile : config.data.subset);
  if (!ownSubset) writeFileAtomic(subsetFile, serializeSubset(data.subset));

  checkInputSizes(data, options.configFile);
  const spec = modelSpecOf(config.model);
  let model: tf.LayersModel;
  let resume: { state: TrainerState; optimizerWeights?: OptimizerWeights } | undefined;
  if (options.resume && summary.latestCheckpoint) {
    const checkpoint = await loadCheckpoint<TrainerState>(join(runDir, summary.latestCheckpoint));
    model = checkpoint.model;
    resume = { state: checkpoint.state, optimizerWeights: checkpoint.optimizerWeights };
  } else {
    model = freshModel(config, spec);
  }

  const metrics = new MetricsLog(join(runDir, METRICS_FILE), runId);
  const sets = evaluationSets(data);
  const knn = config.evaluation.knn.enabled;
  try {
    const train = config.method === 'simclr' ? trainSimclr : trainPretext;
    const result = await train({
      config,
      data,
      model,
      signal,
      metrics,
      report: (p) => progress.push(p),
      resume,
      afterEpoch: knn
        ? async (alpha) => ({
            'knn/accuracy': await knnAccuracyAt(model, sets, config, alpha, signal),
          })
        : undefined,
      checkpoint: async (state, optimizer, label) => {
        progress.flush();
        const dir = join(runDir, CHECKPOINTS_DIR, label);
        await saveCheckpoint(dir, { model, optimizer, state });
        saveSummary({ latestCheckpoint: relative(runDir, dir), metrics: state.metrics });
      },
    });
    if (result.status === 'completed') {
      const lastStage = config.pretext.scales.length;
      const downstream = await evaluateDownstream(model, data, sets, {
        signal,
        onStatus: (message) => progress.push(statusProgress(config, 'evaluating', message)),
        onMetrics: (values) => metrics.append(lastStage, 0, 0, values),
        keepClassifier: (kept) => saveClassifier(runDir, kept),
      });
      Object.assign(result.metrics, downstream);
    }
    progress.flush();
    saveSummary({ status: result.status, metrics: result.metrics });
    return {
      status: result.status,
      metrics: result.metrics,
      checkpoint: summary.latestCheckpoint ? join(runDir, summary.latestCheckpoint) : undefined,
    };
  } catch (error) {
    progress.cancel();
    if (signal.aborted) {
      // Stopped during evaluation: the last stage's checkpoint is the resume point.
      saveSummary({ status: 'stopped' });
      return {
        status: 'stopped',
        metrics: summary.metrics,
        checkpoint: summary.latestCheckpoint && join(runDir, summary.latestCheckpoint),
      };
    }
    saveSummary({ status: 'failed' });
    throw error;
  } finally {
    model.dispose();
    data.dispose?.();
  }
}

/** The rotation network (4-way head), or for SimCLR the trunk with a projection head. */
function freshModel(config: ScaleNetConfig, spec: ModelSpec): tf.LayersModel {
  const trunk = buildModel(spec, {
    inputChannels: config.data.channels,
    classes: 4,
    seed: config.seed,
  });
  if (config.method !== 'simclr') return trunk;
  const { projectionHidden, projectionDim } = config.simclr;
  return buildSimclrModel(trunk, {
    hidden: projectionHidden,
    out: projectionDim,
    seed: config.seed,
  });
}

/** The smallest scale must still give the network an input it accepts. */
function checkInputSizes(data: PreparedData, configFile: string): void {
  const { config } = data;
  const smallest = data.sizeAt(config.pretext.scales[0]);
  const needed = minInputSize(modelSpecOf(config.model));
  if (smallest < needed) {
    throw new ConfigError(
      configFile,
      'pretext.scales.0',
      `gives ${smallest}x${smallest} inputs, but ${config.model.arch} needs at least ${needed} px`,
      'Use a larger first scale, or a model for small images (e.g. "variant": "cifar").',
    );
  }
}

function statusProgress(
  config: ScaleNetConfig,
  phase: RunProgressParams['phase'],
  message: string,
): Omit<RunProgressParams, 'runId'> {
  return {
    phase,
    stage: 0,
    stageCount: config.pretext.scales.length,
    scale: config.pretext.scales[0],
    inputSize: 0,
    epoch: 0,
    epochs: config.pretext.epochs[0],
    step: 0,
    stepsPerEpoch: 0,
    loss: 0,
    accuracy: 0,
    lr: config.pretext.lr[0],
    imagesPerSecond: 0,
    etaSeconds: 0,
    message,
  };
}
