/**
 * Starts the training sidecar, keeps it alive and stops it (ARCHITECTURE.md: the
 * extension inside). No `vscode` import: this file carries the logic and is tested under plain
 * Node with real fixture processes; extension/supervisor/client.ts adapts it to VS Code.
 *
 * States: stopped → starting → running → stopping → stopped; a start that fails ends in
 * startFailed. A crash while running restarts the sidecar within the restart budget.
 */
import type { CancellationToken, MessageConnection, RequestType } from 'vscode-jsonrpc';
import {
  errorMessage,
  InitializeRequest,
  PROTOCOL_VERSION,
  RunFinishedNotification,
  RunProgressNotification,
  RunStartRequest,
  RunStopRequest,
  ShutdownRequest,
  SidecarExitingNotification,
  type ActiveRunInfo,
  type BackendPreference,
  type InitializeResult,
  type RunFinishedParams,
  type RunProgressParams,
  type RunStartParams,
  type RunStartResult,
  type RunStopResult,
  type SidecarExitingParams,
} from '../../sidecar/protocol/index';
import { Emitter, type Disposable, type Event } from './events';
import { DEFAULT_RESTART_BUDGET, RestartBudget, type RestartBudgetOptions } from './restartBudget';
import {
  describeExit,
  killProcessTree,
  startSidecarProcess,
  summarizeStderr,
  type ExitInfo,
  type SidecarInstance,
  type SidecarProcessOptions,
} from './sidecarProcess';

export { describeExit, inspectArgs, summarizeStderr, type ExitInfo } from './sidecarProcess';

export type SupervisorState = 'starting' | 'running' | 'stopping' | 'stopped' | 'startFailed';

export interface SupervisorLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface SupervisorOptions extends SidecarProcessOptions {
  backend?: BackendPreference;
  clientName?: string;
  logger: SupervisorLogger;
  /** The graceful part of stop: `shutdown` answered and the process gone. */
  shutdownTimeoutMs?: number;
  /** A sidecar that has not answered `initialize` by then is treated as failed. */
  startTimeoutMs?: number;
  restartBudget?: RestartBudgetOptions;
}

export interface StateChangeEvent {
  state: SupervisorState;
  previous: SupervisorState;
  /** Why, in words for the user: a crash, a start failure, an exhausted restart budget. */
  message?: string;
}

/** `run/finished` as listeners see it: the sidecar's own, or one made up after a crash. */
export interface SupervisedRunFinished extends RunFinishedParams {
  /** Present when the sidecar died with the run active; error.code is then `crashed`,
   * `hung` (the watchdog killed it) or `killed` (it did not shut down in time). */
  crash?: ExitInfo;
}

export class SidecarSupervisor implements Disposable {
  private readonly stateEmitter = new Emitter<StateChangeEvent>((e) => this.listenerError(e));
  private readonly progressEmitter = new Emitter<RunProgressParams>((e) => this.listenerError(e));
  private readonly finishedEmitter = new Emitter<SupervisedRunFinished>((e) =>
    this.listenerError(e),
  );
  private readonly exitingEmitter = new Emitter<SidecarExitingParams>((e) => this.listenerError(e));
  readonly onDidChangeState: Event<StateChangeEvent> = this.stateEmitter.event;
  readonly onProgress: Event<RunProgressParams> = this.progressEmitter.event;
  readonly onFinished: Event<SupervisedRunFinished> = this.finishedEmitter.event;
  readonly onExiting: Event<SidecarExitingParams> = this.exitingEmitter.event;

  private currentState: SupervisorState = 'stopped';
  private instance: SidecarInstance | undefined;
  private initializeResult: InitializeResult | undefined;
  private starting: Promise<InitializeResult> | undefined;
  private stopping: Promise<void> | undefined;
  private readonly runs = new Map<string, ActiveRunInfo>();
  /** Runs whose `run/finished` arrived before their `run/start` answer. */
  private readonly finishedEarly = new Set<string>();
  private readonly budget: RestartBudget;
  private disposed = false;

  constructor(private readonly options: SupervisorOptions) {
    this.budget = new RestartBudget(options.restartBudget ?? DEFAULT_RESTART_BUDGET);
  }

  get state(): SupervisorState {
    return this.currentState;
  }

  /** What the running sidecar reported at `initialize` (backend, versions). */
  get info(): InitializeResult | undefined {
    return this.initializeResult;
  }

  get pid(): number | undefined {
    return this.instance?.pid;
  }

  get activeRunIds(): string[] {
    return [...this.runs.keys()];
  }

  /** Starts the sidecar unless it is running; resolves with its `initialize` answer. */
  start(): Promise<InitializeResult> {
    if (this.disposed) return Promise.reject(new Error('The sidecar supervisor was disposed.'));
    if (this.currentState === 'running' && this.initializeResult) {
      return Promise.resolve(this.initializeResult);
    }
    if (this.starting) return this.starting;
    if (this.stopping) return this.stopping.then(() => this.start());
    // Asked for by the user (not a crash restart): forgive earlier crashes.
    this.budget.reset();
    return this.launch();
  }

  /** Graceful `shutdown` raced against the timeout, then the process group is killed. */
  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    const instance = this.instance;
    if (!instance && this.starting) {
      // Between a spawn that failed and its startFailed: let that settle first.
      const settled = () => this.stop();
      return this.starting.then(settled, settled);
    }
    if (!instance) {
      if (this.currentState !== 'startFailed') this.setState('stopped');
      return Promise.resolve();
    }
    this.stopping = this.shutdown(instance).finally(() => {
      this.stopping = undefined;
    });
    return this.stopping;
  }

  async startRun(params: RunStartParams): Promise<RunStartResult> {
    const connection = await this.runningConnection();
    const result = await connection.sendRequest(RunStartRequest.type, params);
    if (this.finishedEarly.delete(result.runId)) return result;
    this.runs.set(result.runId, { runId: result.runId, runDir: result.runDir });
    this.instance?.watchdog.arm();
    return result;
  }

  async stopRun(runId: string): Promise<RunStopResult> {
    const connection = await this.runningConnection();
    return connection.sendRequest(RunStopRequest.type, { runId });
  }

  /**
   * Any other request of the contract (`harris/preview`, `runs/list`, `gradcam/compute`…),
   * starting the sidecar first if needed. Runs go through startRun, which tracks them.
   */
  async request<P, R, E>(
    type: RequestType<P, R, E>,
    params: P,
    token?: CancellationToken,
  ): Promise<R> {
    const connection = await this.runningConnection();
    return connection.sendRequest(type, params, token);
  }

  dispose(): void {
    this.disposed = true;
    this.starting?.catch(() => {});
    if (this.instance) killProcessTree(this.instance);
    for (const emitter of [
      this.stateEmitter,
      this.progressEmitter,
      this.finishedEmitter,
      this.exitingEmitter,
    ]) {
      emitter.dispose();
    }
  }

  private async runningConnection(): Promise<MessageConnection> {
    await this.start();
    const instance = this.instance;
    if (!instance || this.currentState !== 'running') {
      throw new Error(`The sidecar is not running (${this.currentState}).`);
    }
    return instance.connection;
  }

  private launch(message?: string): Promise<InitializeResult> {
    this.initializeResult = undefined;
    // Spawn before announcing 'starting': a listener that calls stop() then finds a
    // process to stop instead of nothing (and a sidecar that starts after "stopped").
    let instance: SidecarInstance | undefined;
    let spawnError: unknown;
    try {
      instance = this.spawn();
    } catch (error) {
      spawnError = error;
    }
    this.setState('starting', message);
    const initialized = instance
      ? this.initialize(instance)
      : Promise.resolve().then(() =>
          this.failStart(undefined, `could not spawn it: ${errorMessage(spawnError)}`),
        );
    const starting: Promise<InitializeResult> = initialized.finally(() => {
      if (this.starting === starting) this.starting = undefined;
    });
    this.starting = starting;
    return starting;
  }

  private async initialize(instance: SidecarInstance): Promise<InitializeResult> {
    const timeoutMs = this.options.startTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    type Outcome = { kind: 'ok'; result: InitializeResult } | { kind: 'fail'; reason: string };
    const outcome = await Promise.race<Outcome>([
      instance.connection
        .sendRequest(InitializeRequest.type, {
          clientName: this.options.clientName ?? 'vscode',
          protocolVersion: PROTOCOL_VERSION,
          backend: this.options.backend,
        })
        .then(
          (result): Outcome => ({ kind: 'ok', result }),
          (error): Outcome => ({
            kind: 'fail',
            reason: `initialize failed: ${errorMessage(error)}`,
          }),
        ),
      instance.exited.then((exit): Outcome => ({
        kind: 'fail',
        reason: this.startExitReason(instance, exit),
      })),
      new Promise<Outcome>((resolve) => {
        timer = setTimeout(
          () => resolve({ kind: 'fail', reason: `no answer to initialize within ${timeoutMs} ms` }),
          timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));

    if (this.currentState === 'stopping') return this.failStart(instance, 'stopped');
    if (outcome.kind === 'fail') {
      // An error answer often comes from a sidecar on its way out: its exit says more.
      const exit = await Promise.race([instance.exited, delay(500)]);
      const reason = exit ? this.startExitReason(instance, exit) : outcome.reason;
      return this.failStart(instance, reason);
    }
    if (outcome.result.protocolVersion !== PROTOCOL_VERSION) {
      return this.failStart(
        instance,
        `the sidecar speaks protocol ${outcome.result.protocolVersion}, the extension ${PROTOCOL_VERSION} (a stale dist/sidecar.js? rebuild)`,
      );
    }
    if (instance.dead || this.instance !== instance) {
      return this.failStart(instance, 'the sidecar went away while starting');
    }
    this.initializeResult = outcome.result;
    const { backend } = outcome.result;
    this.options.logger.info(
      `Sidecar ${outcome.result.version} running (pid ${outcome.result.pid}, Node ${outcome.result.nodeVersion}), backend: ${backend.label}`,
    );
    for (const rejected of backend.rejected) {
      this.options.logger.info(`  not using ${rejected.backend}: ${rejected.reason}`);
    }
    this.setState('running');
    return outcome.result;
  }

  private failStart(instance: SidecarInstance | undefined, reason: string): never {
    // A stop() during the start owns the process and the ending: asked for, not a failure.
    if (this.currentState === 'stopping')
      throw new Error('The sidecar was stopped while starting.');
    const message = `The ScaleNet sidecar did not start: ${reason}`;
    if (instance && !instance.dead) killProcessTree(instance);
    if (this.instance === instance) this.instance = undefined;
    this.options.logger.error(message);
    this.setState('startFailed', message);
    throw new Error(message);
  }

  private startExitReason(instance: SidecarInstance, exit: ExitInfo): string {
    if (instance.spawnError) {
      const runtime = this.options.nodePath || process.execPath;
      return `could not run ${runtime}: ${instance.spawnError.message} (check the setting scalenet.nodePath)`;
    }
    const how = exit.signal
      ? `it was killed by ${exit.signal}`
      : `it exited with code ${exit.exitCode}`;
    const why = exit.reason ?? summarizeStderr(instance.stderrTail);
    return why ? `${how}: ${why}` : how;
  }

  private spawn(): SidecarInstance {
    const instance = startSidecarProcess(this.options, {
      log: (line, level) =>
        level === 'error' ? this.options.logger.error(line) : this.options.logger.info(line),
      onDeath: (exit) => this.onInstanceDied(instance, exit),
      onHang: (silenceMs) => this.onHang(instance, silenceMs),
    });
    this.instance = instance;
    this.wireConnection(instance);
    return instance;
  }

  private wireConnection(instance: SidecarInstance): void {
    const { connection } = instance;
    connection.onNotification(RunProgressNotification.type, (params) => {
      instance.watchdog.progressed();
      const run = this.runs.get(params.runId);
      if (run) run.progress = params;
      this.progressEmitter.fire(params);
    });
    connection.onNotification(RunFinishedNotification.type, (params) => {
      instance.watchdog.heard();
      if (!this.runs.delete(params.runId)) this.finishedEarly.add(params.runId);
      if (this.runs.size === 0) instance.watchdog.disarm();
      this.finishedEmitter.fire(params);
    });
    connection.onNotification(SidecarExitingNotification.type, (params) => {
      instance.watchdog.heard();
      instance.exitingReason = params.reason;
      this.options.logger.info(`Sidecar exiting (code ${params.exitCode}): ${params.reason}`);
      this.exitingEmitter.fire(params);
    });
    connection.onError(([error]) => {
      this.options.logger.warn(`Sidecar connection error: ${error.message}`);
    });
  }

  /** A hung process answers no shutdown: kill it, and let the crash path restart it. */
  private onHang(instance: SidecarInstance, silenceMs: number): void {
    if (instance.dead || this.instance !== instance) return;
    const seconds = Math.round(silenceMs / 1000);
    instance.hung = true;
    instance.exitingReason ??= `it sent nothing for ${seconds} s during a run and was killed as hung (a wasm heap near its 4 GiB limit hangs: try a smaller batchSize)`;
    this.options.logger.error(
      `The sidecar has been silent for ${seconds} s during a run; killing it.`,
    );
    killProcessTree(instance);
  }

  private onInstanceDied(instance: SidecarInstance, exit: ExitInfo): void {
    instance.watchdog.disarm();
    instance.connection.dispose();
    if (this.instance !== instance) return; // an old process, already replaced
    this.instance = undefined;
    this.initializeResult = undefined;
    const stopping = this.currentState === 'stopping';
    this.finishActiveRuns(exit, stopping ? 'killed' : instance.hung ? 'hung' : 'crashed');
    if (this.currentState !== 'running') return; // start and stop handle their own endings

    const description = describeExit(exit);
    this.options.logger.error(`${description}.`);
    if (this.disposed) return;
    if (this.budget.recordCrash()) {
      const attempt = this.budget.recentCrashes;
      this.options.logger.warn(
        `Restarting the sidecar (${attempt} of ${this.budget.maxRestarts}).`,
      );
      this.launch(
        `${description}. Restarting it (${attempt} of ${this.budget.maxRestarts}).`,
      ).catch(() => {
        // failStart has logged it and set startFailed; nobody awaits a crash restart.
      });
    } else {
      const minutes = Math.round(this.budget.windowMs / 60_000);
      const message = `${description}. It crashed ${this.budget.recentCrashes} times in ${minutes} minutes, so it will not be restarted; see the log, then train again to start it.`;
      this.options.logger.error(message);
      this.setState('stopped', message);
    }
  }

  /** Runs cannot outlive their process: listeners hear about each one exactly once. */
  private finishActiveRuns(exit: ExitInfo, code: 'killed' | 'hung' | 'crashed'): void {
    for (const run of this.runs.values()) {
      const message =
        code === 'killed'
          ? `${describeExit(exit)} while stopping, before the run ended.`
          : `${describeExit(exit)} during the run.`;
      this.finishedEmitter.fire({
        runId: run.runId,
        runDir: run.runDir,
        status: 'failed',
        metrics: run.progress
          ? { 'pretext/loss': run.progress.loss, 'pretext/accuracy': run.progress.accuracy }
          : {},
        error: {
          code,
          message,
          fix: 'Resume the run: it continues from its last checkpoint.',
        },
        crash: exit,
      });
    }
    this.runs.clear();
  }

  private async shutdown(instance: SidecarInstance): Promise<void> {
    this.setState('stopping');
    const timeoutMs = this.options.shutdownTimeoutMs ?? 2000;
    let timer: NodeJS.Timeout | undefined;
    const graceful = Promise.resolve()
      .then(() => instance.connection.sendRequest(ShutdownRequest.type, {}))
      .then(
        () => instance.exited,
        // No answer (closed connection, error): the process may still be on its way out.
        () => instance.exited,
      );
    const outcome = await Promise.race([
      graceful.then(() => 'exited' as const),
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
    if (outcome === 'timeout') {
      this.options.logger.warn(
        `The sidecar did not shut down within ${timeoutMs} ms; killing its process tree.`,
      );
    }
    // Always, even after a clean exit: worker processes in its group must not linger.
    killProcessTree(instance);
    await instance.exited;
    if (this.instance === instance) this.instance = undefined;
    this.initializeResult = undefined;
    this.setState('stopped');
  }

  private listenerError(error: unknown): void {
    this.options.logger.error(`A supervisor listener threw: ${errorMessage(error)}`);
  }

  private setState(state: SupervisorState, message?: string): void {
    const previous = this.currentState;
    if (previous === state && message === undefined) return;
    this.currentState = state;
    this.stateEmitter.fire({ state, previous, message });
  }
}

function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms));
}
