/**
 * `scalenet sweep task SWEEP_DIR INDEX`: train one variant, the unit both executors run
 * (a local worker, or a Slurm array task with INDEX = $SLURM_ARRAY_TASK_ID).
 * A variant that already completed is skipped; one with a checkpoint is resumed in its
 * own run folder (`scalenet train --resume`), so a requeued, cancelled or timed-out task
 * continues where it stopped. SIGINT, SIGTERM and SIGUSR1 (Slurm's warning before the
 * time limit) all ask the run to stop at its next batch and write a checkpoint.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  RunFinishedNotification,
  RunProgressNotification,
  RunStartRequest,
  RunStopRequest,
  type RunFinishedParams,
} from '../../sidecar/protocol';
import { epochLine } from '../progressView';
import { openSession } from '../sidecarSession';
import { readManifest } from './sweepFolder';
import { readRunSummary, readTask, writeTask, type TaskRecord } from './taskState';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGUSR1'] as const;

export function slurmTaskId(): string | undefined {
  const { SLURM_ARRAY_JOB_ID, SLURM_ARRAY_TASK_ID, SLURM_JOB_ID } = process.env;
  if (SLURM_ARRAY_JOB_ID && SLURM_ARRAY_TASK_ID)
    return `${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}`;
  return SLURM_JOB_ID;
}

export async function runSweepTask(sweepDir: string, index: number): Promise<number> {
  const manifest = readManifest(sweepDir);
  const variant = manifest.variants[index];
  if (!variant) {
    console.error(`${sweepDir}: no variant ${index} (the sweep has ${manifest.variants.length}).`);
    return 2;
  }
  const previous = readTask(sweepDir, index);
  const summary = previous && readRunSummary(previous.runDir);
  if (summary?.status === 'completed') {
    console.log(`Variant ${index} (${variant.name}) already completed in ${previous!.runDir}.`);
    return 0;
  }
  const resume = summary?.latestCheckpoint ? previous!.runDir : undefined;

  // Signals that arrive before the run has started still count: the run stops at once.
  let stopSignal: string | undefined;
  let requestStop = () => undefined as void;
  const onSignal = (signal: string) => {
    console.log(`${signal}: stopping at the next batch with a checkpoint`);
    stopSignal ??= signal;
    requestStop();
  };
  for (const s of STOP_SIGNALS) process.on(s, onSignal);

  const session = await openSession({});
  let record: TaskRecord | undefined;
  try {
    const finished = new Promise<RunFinishedParams>((done) =>
      session.connection.onNotification(RunFinishedNotification.type, done),
    );
    session.connection.onNotification(RunProgressNotification.type, (p) => {
      if (p.validationAccuracy !== undefined) console.log(epochLine(p));
    });
    const configPath = join(sweepDir, variant.configFile);
    const started = await session.connection.sendRequest(RunStartRequest.type, {
      configPath,
      runsDir: manifest.runsDir,
      resume,
    });
    console.log(
      `Variant ${index} (${variant.name}) ${resume ? 'resumed' : 'started'}: ${started.runDir}`,
    );
    record = {
      runDir: started.runDir,
      startedAt: new Date().toISOString(),
      host: hostname(),
      jobId: slurmTaskId(),
    };
    writeTask(sweepDir, index, record);
    requestStop = () =>
      void session.connection
        .sendRequest(RunStopRequest.type, { runId: started.runId })
        .catch(() => undefined);
    if (stopSignal) requestStop();
    const result = await Promise.race([finished, session.exited]);
    console.log(
      `Variant ${index}: ${result.status}${result.error ? ` (${result.error.message})` : ''}`,
    );
    const code = result.status === 'completed' ? 0 : result.status === 'stopped' ? 130 : 1;
    writeTask(sweepDir, index, {
      ...record,
      exit: { code, signal: stopSignal, at: new Date().toISOString() },
    });
    return code;
  } catch (error) {
    console.error((error as Error).message);
    if (record) {
      writeTask(sweepDir, index, {
        ...record,
        exit: { code: 1, signal: stopSignal, at: new Date().toISOString() },
      });
    }
    return 1;
  } finally {
    for (const s of STOP_SIGNALS) process.off(s, onSignal);
    await session.close();
  }
}
