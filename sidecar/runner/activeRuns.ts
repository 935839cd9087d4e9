/**
 * The runs this sidecar is executing, by id: starting (config → run folder), stopping
 * (cooperative, at the next batch) and reporting the end of each as `run/finished`.
 * One run at a time: tfjs shares one engine per process, and two runs would only
 * halve each other's speed.
 */
import { basename, dirname } from 'node:path';
import { ConfigError } from '../config/configError';
import { loadConfigFile } from '../config/loadConfigFile';
import { StateError } from '../inspect/errors';
import {
  ErrorCodes,
  type ActiveRunInfo,
  type RunFinishedParams,
  type RunProgressParams,
  type RunStartParams,
  type RunStartResult,
  type ScaleNetConfig,
} from '../protocol';
import { resolveRunsDir } from '../protocol/runStore';
import { describeFailure } from './failures';
import { openRunFolder, type OpenedRun } from '../runs/openRun';
import type { RunLock } from '../runs/runLock';
import { executeRun } from './executeRun';
import { locateInitFrom } from './transfer';

export interface ActiveRunsHooks {
  backendLabel: () => string;
  backendName: () => string;
  onProgress: (params: RunProgressParams) => void;
  onFinished: (params: RunFinishedParams) => void;
}

/** The protocol's active run, with what stops it and what ends when it has stopped. */
interface ActiveRun extends ActiveRunInfo {
  controller: AbortController;
  done: Promise<void>;
}

/** The backend is chosen once per sidecar; a config that needs another one says so. */
function checkBackend(config: ScaleNetConfig, file: string, active: string): void {
  if (config.backend !== 'auto' && config.backend !== active) {
    throw new ConfigError(
      file,
      'backend',
      `asks for "${config.backend}" but this sidecar runs on "${active}"`,
      'Set "backend" to "auto", or restart the sidecar on that backend (CLI: --backend; VS Code: the scalenet.backend setting).',
    );
  }
}

export class ActiveRuns {
  private readonly active = new Map<string, ActiveRun>();

  constructor(private readonly hooks: ActiveRunsHooks) {}

  private starting = false;

  async start(params: RunStartParams): Promise<RunStartResult> {
    const busy = [...this.active.keys()][0] ?? (this.starting ? 'starting' : undefined);
    if (busy) {
      throw new StateError(
        ErrorCodes.runActive,
        `Run ${busy} is still active in this sidecar; stop it before starting another.`,
      );
    }
    this.starting = true;
    let opened: OpenedRun;
    try {
      opened = await openRunFolder(params, () => {
        const config = loadConfigFile(params.configPath, params.config);
        checkBackend(config, params.configPath, this.hooks.backendName());
        locateInitFrom(config, params.configPath);
        const runsDir =
          params.runsDir ??
          resolveRunsDir({ configDir: dirname(params.configPath), configRunsDir: config.runsDir });
        return { config, runsDir };
      });
    } finally {
      this.starting = false;
    }
    const { runDir, config, lock } = opened;
    const runId = basename(runDir);
    const controller = new AbortController();
    const done = this.execute(
      runId,
      runDir,
      config,
      params.configPath,
      controller.signal,
      Boolean(params.resume),
      lock,
    ).finally(() => this.active.delete(runId));
    this.active.set(runId, { runId, runDir, controller, done });
    return { runId, runDir, config };
  }

  private async execute(
    runId: string,
    runDir: string,
    config: ScaleNetConfig,
    configFile: string,
    signal: AbortSignal,
    resume: boolean,
    lock: RunLock,
  ) {
    // Let the run/start response go out before the first heavy synchronous work.
    await new Promise((r) => setImmediate(r));
    try {
      const result = await executeRun({
        runId,
        runDir,
        config,
        signal,
        resume,
        configFile,
        backendLabel: this.hooks.backendLabel(),
        onProgress: (p) => this.hooks.onProgress({ runId, ...p }),
      });
      // Unlocked before the news: a client resuming on run/finished finds the run free.
      await lock.release();
      this.hooks.onFinished({ runId, runDir, ...result });
    } catch (error) {
      await lock.release();
      this.hooks.onFinished({
        runId,
        runDir,
        status: 'failed',
        metrics: {},
        error: describeFailure(error, config),
      });
    }
  }

  /** Asks a run to stop at its next batch; false when there is no such run. */
  stop(runId: string): boolean {
    const run = this.active.get(runId);
    run?.controller.abort();
    return Boolean(run);
  }

  /** Stops every run and waits until each has written its checkpoint. */
  async stopAll(): Promise<void> {
    const runs = [...this.active.values()];
    for (const run of runs) run.controller.abort();
    await Promise.all(runs.map((r) => r.done));
  }
}
