/**
 * One run from start (or resume) to its end: data, model, the pretext chain, and the
 * run folder kept current (summary, metrics, checkpoints) so that a crash at any
 * moment loses at most the work since the last checkpoint.
 */
import { existsSync } from 'node:fs';
import { serializeSubset } from '../data/subsetFile';
import { dirname, join, relative } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { RunProgressParams, RunStatus, ScaleNetConfig } from '../protocol';
import { loadCheckpoint, saveCheckpoint, type OptimizerWeights } from '../runs/checkpoint';
import {
  CHECKPOINTS_DIR,
  METRICS_FILE,
  MetricsLog,
  SUBSET_FILE,
  readSummary,
  truncateMetricsToCheckpoint,
  writeSummary,
  type RunSummary,
} from '../runs/runStore';
import { writeFileAtomic } from '../util/atomicWrite';
import { methodNamed } from '../methods';
import {
  runStageLoop,
  type PretextResult,
  type PretextRun,
  type TrainerState,
} from '../train/stageLoop';
import { describeFailure } from './failures';
import { saveClassifier } from '../runs/classifierStore';
import { evaluateDownstream, evaluationSets, knnAccuracyAt } from './evaluation';
import { modelSpecOf } from '../models/modelSpec';
import { loadPreparedData } from '../train/stageData';
import { checkInputSizes } from './inputSizes';
import { etaPlanOf, RunEta } from '../train/runEta';
import { reportDataNotes } from '../runs/dataNotes';
import { labelBudgetNotes } from '../data/budgets';
import { throttleLatest } from '../util/throttle';
import { describeSources } from '../protocol/dataSources';
import { stepPosition } from '../protocol/metricsLog';
import { evaluationView, loadEvaluationSource, sourcesRecord } from '../train/evaluationSource';
import { initFromRun } from './transfer';

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

/** metrics.jsonl's record of the loss of the run's very first batch. */
export const FIRST_STEP_LOSS = 'pretext/first_step_loss';

/** A few progress notifications a second at most (ARCHITECTURE.md: the sidecar inside). */
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

  // Each pretext report the charts get is also a per-step record of metrics.jsonl, so a
  // reopened chart replays what the live one drew (set once the log is open).
  const sent: SentReports = {};
  const progress = throttleLatest((p: Omit<RunProgressParams, 'runId'>) => {
    if (sent.metrics) logStepRecord(sent.metrics, p);
    options.onProgress(p);
  }, PROGRESS_INTERVAL_MS);
  try {
    const result = await trainAndEvaluate(options, summary, saveSummary, progress, sent);
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
    // Every failure, loading and checking the data included, ends the run as failed with
    // its reason, so no summary stays "running" after its sidecar has moved on.
    saveSummary({ status: 'failed', error: describeFailure(error, config) });
    throw error;
  }
}

type Progress = ReturnType<typeof throttleLatest<Omit<RunProgressParams, 'runId'>>>;

/** Where the reports sent to clients are logged once metrics.jsonl is open. */
interface SentReports {
  metrics?: MetricsLog;
}

/**
 * The running means of a report inside a pretext epoch, as metrics.jsonl's per-step
 * record (stepPosition: a fractional epoch). An epoch's last step is left out: the
 * epoch's own record, with the same values, takes that place.
 */
function logStepRecord(metrics: MetricsLog, p: Omit<RunProgressParams, 'runId'>): void {
  if (p.phase !== 'pretext' || p.stepsPerEpoch === 0 || p.step >= p.stepsPerEpoch) return;
  const { epoch, step } = stepPosition(p);
  metrics.appendStep(p.stage, epoch, step, {
    'pretext/loss': p.loss,
    'pretext/train_accuracy': p.accuracy,
  });
}

/** Data, model, the method's stage chain and the downstream evaluation of one run. */
async function trainAndEvaluate(
  options: ExecuteRunOptions,
  summary: RunSummary,
  saveSummary: (patch: Partial<RunSummary>) => void,
  progress: Progress,
  sent: SentReports,
): Promise<PretextResult> {
  const { runId, runDir, config, signal } = options;
  progress.push(statusProgress(config, 'loading', 'loading data'));

  // A resumed run keeps its own images; a new one may reuse another run's (data.subset).
  const subsetFile = join(runDir, SUBSET_FILE);
  const ownSubset = existsSync(subsetFile);
  const data = await loadPreparedData(
    config,
    ownSubset ? subsetFile : config.data.subset,
    dirname(options.configFile),
    options.configFile,
  );
  let model: tf.LayersModel | undefined;
  try {
    // What the data could not give as configured (budgets clamped): logged and noted.
    reportDataNotes(runId, data.notes, (notes) => saveSummary({ notes }));
    if (!ownSubset) writeFileAtomic(subsetFile, serializeSubset(data.subset));
    checkInputSizes(config, data.sizeAt(1), options.configFile);
    // One estimate of the time left for the whole run, fed by every report (throttled or not).
    const eta = new RunEta(
      etaPlanOf(config, {
        imageSize: data.train.height,
        stepsPerEpoch: data.stepsPerEpoch,
        trainCount: data.train.count,
        testCount: data.test.count,
      }),
    );
    const report = (p: Omit<RunProgressParams, 'runId'>) => {
      const seconds = eta.observe(Date.now(), p);
      progress.push({ ...p, etaSeconds: Number.isFinite(seconds) ? seconds : -1 });
    };
    const method = methodNamed(config.method);
    let resume: { state: TrainerState; optimizerWeights?: OptimizerWeights } | undefined;
    if (options.resume && summary.latestCheckpoint) {
      const checkpoint = await loadCheckpoint<TrainerState>(join(runDir, summary.latestCheckpoint));
      model = checkpoint.model;
      resume = { state: checkpoint.state, optimizerWeights: checkpoint.optimizerWeights };
    } else {
      model = method.buildModel(config, modelSpecOf(config.model));
      const lineage = await initFromRun(model, config, options.configFile);
      if (lineage) saveSummary({ lineage });
    }
    const trained = model;
    // Epochs after the checkpoint are trained again: their old records go first.
    if (options.resume) truncateMetricsToCheckpoint(runDir, summary);
    const metrics = new MetricsLog(join(runDir, METRICS_FILE), runId);
    sent.metrics = metrics;
    // The labelled set (evaluation.data, or the pretext source's labels), told before training.
    const source = await loadEvaluationSource(config, data, runDir, options.configFile);
    if (source.split !== 'pretext') {
      // Its label budgets are clamped to its own training images: said like the others.
      reportDataNotes(runId, labelBudgetNotes(config, source.train), (notes) =>
        saveSummary({ notes: [...data.notes, ...notes] }),
      );
    }
    const sources = sourcesRecord(data, source);
    saveSummary({ sources });
    progress.push(statusProgress(config, 'loading', describeSources(sources).join('\n')));
    progress.flush();
    const evaluationData = evaluationView(data, source);
    const sets = evaluationSets(evaluationData);
    const knn = config.evaluation.knn.enabled;
    const run: PretextRun = {
      config,
      data,
      model: trained,
      signal,
      metrics,
      report: (p) => {
        // The first step's loss, before any update: what a transferred trunk starts from
        // (a fresh rotation head starts at ln 4 = 1.386). Progress is throttled; this is not.
        if (!resume && p.phase === 'pretext' && p.stage === 0 && p.epoch === 1 && p.step === 1) {
          metrics.append(0, 0, 1, { [FIRST_STEP_LOSS]: p.loss });
        }
        report(p);
      },
      resume,
      afterEpoch: knn
        ? async (alpha) => ({
            'knn/accuracy': await knnAccuracyAt(trained, sets, config, alpha, signal),
          })
        : undefined,
      checkpoint: async (state, optimizer, label) => {
        progress.flush();
        const dir = join(runDir, CHECKPOINTS_DIR, label);
        await saveCheckpoint(dir, { model: trained, optimizer, state });
        saveSummary({
          latestCheckpoint: relative(runDir, dir),
          metrics: state.metrics,
          metricsBytes: metrics.length,
        });
      },
    };
    const result = await runStageLoop(run, method.task(config, data, trained));
    if (result.status === 'completed') {
      const lastStage = config.pretext.scales.length;
      const downstream = await evaluateDownstream(trained, evaluationData, sets, {
        signal,
        onStatus: (message, task) =>
          report({ ...statusProgress(config, 'evaluating', message), evaluationTask: task }),
        onMetrics: (values) => metrics.append(lastStage, 0, 0, values),
        keepClassifier: (kept) => saveClassifier(runDir, kept),
      });
      Object.assign(result.metrics, downstream);
    }
    return result;
  } finally {
    model?.dispose();
    data.dispose?.();
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
