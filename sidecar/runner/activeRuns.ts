/**
 * The runs this sidecar is executing, by id: starting (config → run folder), stopping
 * (cooperative, at the next batch) and reporting the end of each as `run/finished`.
 * One run at a time: tfjs shares one engine per process, and two runs would only
 * halve each other's speed.
 */
import { basename, dirname } from 'node:path';
import { ConfigError } from '../config/configError';
import { loadConfigFile } from '../config/loadConfigFile';
import type {
  RunFinishedParams,
  RunProgressParams,
  RunStartParams,
  RunStartResult,
  ScaleNetConfig,
} from '../protocol';
import { resolveRunsDir } from '../protocol/runStore';
import { describeFailure } from './failures';
import { createRunDir, readRunConfig } from '../runs/runStore';
import { executeRun } from './executeRun';
import { locateInitFrom } from './transfer';

export interface ActiveRunsHooks {
  backendLabel: () => string;
  backendName: () => string;
  onProgress: (params: RunProgressParams) => void;
  onFinished: (params: RunFinishedParams) => void;
}

interface ActiveRun {
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

  start(params: RunStartParams): RunStartResult {
    const busy = [...this.active.keys()][0];
    if (busy)
      throw new Error(
        `Run ${busy} is still active in this sidecar; stop it before starting another.`,
      );
    let config: ScaleNetConfig;
    let runDir: string;
    if (params.resume) {
      runDir = params.resume;
      config = readRunConfig(runDir);
    } else {
      config = loadConfigFile(params.configPath, params.config);
      checkBackend(config, params.configPath, this.hooks.backendName());
      locateInitFrom(config, params.configPath);
      const runsDir =
        params.runsDir ??
        resolveRunsDir({ configDir: dirname(params.configPath), configRunsDir: config.runsDir });
      runDir = createRunDir(runsDir, config);
    }
    const runId = basename(runDir);
    const controller = new AbortController();
    const done = this.execute(
      runId,
      runDir,
      config,
      params.configPath,
      controller.signal,
      Boolean(params.resume),
    ).finally(() => this.active.delete(runId));
    this.active.set(runId, { controller, done });
    return { runId, runDir, config };
  }

  private async execute(
    runId: string,
    runDir: string,
    config: ScaleNetConfig,
    configFile: string,
    signal: AbortSignal,
    resume: boolean,
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
      this.hooks.onFinished({ runId, runDir, ...result });
    } catch (error) {
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
