/**
 * The VS Code side of the sidecar: builds a SidecarSupervisor from the settings, writes its
 * log to the "ScaleNet" output channel, and re-emits its events as `vscode.Event`s that
 * survive a settings change (which replaces the supervisor, since its runtime, backend
 * and threads are fixed when the process starts).
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RequestType } from 'vscode-jsonrpc';
import type {
  BackendPreference,
  InitializeResult,
  RunProgressParams,
  RunStartParams,
  RunStartResult,
  RunStopResult,
} from '../../sidecar/protocol/index';
import {
  SidecarSupervisor,
  type StateChangeEvent,
  type SupervisedRunFinished,
  type SupervisorState,
} from './supervisor';

/** Settings that only take effect in a new sidecar process. */
const PROCESS_SETTINGS = ['scalenet.nodePath', 'scalenet.backend', 'scalenet.threads'];

export class SidecarClient implements vscode.Disposable {
  private readonly stateEmitter = new vscode.EventEmitter<StateChangeEvent>();
  private readonly progressEmitter = new vscode.EventEmitter<RunProgressParams>();
  private readonly finishedEmitter = new vscode.EventEmitter<SupervisedRunFinished>();
  readonly onDidChangeState = this.stateEmitter.event;
  readonly onProgress = this.progressEmitter.event;
  readonly onFinished = this.finishedEmitter.event;

  private supervisor: SidecarSupervisor;
  private supervisorSubscriptions: vscode.Disposable[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  /** Settings changed while a run was going: apply them once it ends. */
  private settingsStale = false;
  /** The settings change being applied; changes queue behind each other. */
  private applying: Promise<void> = Promise.resolve();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.supervisor = this.createSupervisor();
    this.disposables.push(
      this.stateEmitter,
      this.progressEmitter,
      this.finishedEmitter,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (PROCESS_SETTINGS.some((s) => e.affectsConfiguration(s))) this.onSettingsChanged();
      }),
      this.onFinished(() => {
        if (this.settingsStale && this.supervisor.activeRunIds.length === 0) {
          this.queueApplySettings();
        }
      }),
    );
  }

  get state(): SupervisorState {
    return this.supervisor.state;
  }

  get info(): InitializeResult | undefined {
    return this.supervisor.info;
  }

  async start(): Promise<InitializeResult> {
    // Never start the supervisor that a settings change is replacing.
    await this.applying;
    return this.supervisor.start();
  }

  async startRun(params: RunStartParams): Promise<RunStartResult> {
    await this.applying;
    return this.supervisor.startRun(params);
  }

  stopRun(runId: string): Promise<RunStopResult> {
    return this.supervisor.stopRun(runId);
  }

  /** Any other request of the contract; a `vscode.CancellationToken` cancels it. */
  async request<P, R, E>(
    type: RequestType<P, R, E>,
    params: P,
    token?: vscode.CancellationToken,
  ): Promise<R> {
    await this.applying;
    return this.supervisor.request(type, params, token);
  }

  /** Graceful: deactivate awaits this; dispose() afterwards kills whatever is left. */
  stop(): Promise<void> {
    return this.supervisor.stop();
  }

  dispose(): void {
    this.supervisor.dispose();
    for (const d of [...this.supervisorSubscriptions, ...this.disposables]) d.dispose();
  }

  private createSupervisor(): SidecarSupervisor {
    const settings = vscode.workspace.getConfiguration('scalenet');
    const supervisor = new SidecarSupervisor({
      script: this.context.asAbsolutePath(join('dist', 'sidecar.js')),
      nodePath: settings.get<string>('nodePath', '').trim(),
      backend: settings.get<BackendPreference>('backend', 'auto'),
      threads: settings.get<number>('threads', 0),
      clientName: 'vscode',
      cwd: this.context.extensionPath,
      // Where "Install GPU Backend" puts tfjs-node-gpu (sidecar/backend/tfjsNodeGpu.ts).
      env: {
        SCALENET_TFJS_NODE_GPU_DIR: join(this.context.globalStorageUri.fsPath, 'tfjs-node-gpu'),
      },
      logger: this.log,
    });
    this.supervisorSubscriptions = [
      supervisor.onDidChangeState((e) => this.stateEmitter.fire(e)),
      supervisor.onProgress((e) => this.progressEmitter.fire(e)),
      supervisor.onFinished((e) => this.finishedEmitter.fire(e)),
    ];
    return supervisor;
  }

  private onSettingsChanged(): void {
    if (this.supervisor.activeRunIds.length > 0) {
      this.settingsStale = true;
      this.log.info('Sidecar settings changed; they apply when the current run ends.');
      return;
    }
    this.queueApplySettings();
  }

  private queueApplySettings(): void {
    this.applying = this.applying
      .then(() => this.applySettings())
      .catch((error: unknown) =>
        this.log.error(`Applying sidecar settings failed: ${String(error)}`),
      );
  }

  /** Replaces the supervisor; restarts the sidecar only if one was running. */
  private async applySettings(): Promise<void> {
    this.settingsStale = false;
    const old = this.supervisor;
    const wasUp = old.state === 'running' || old.state === 'starting';
    this.log.info(
      wasUp
        ? 'Sidecar settings changed; restarting the sidecar with them.'
        : 'Sidecar settings changed; the next start uses them.',
    );
    await old.stop();
    old.dispose();
    for (const d of this.supervisorSubscriptions) d.dispose();
    this.supervisor = this.createSupervisor();
    this.stateEmitter.fire({ state: 'stopped', previous: old.state });
    if (wasUp) {
      await this.supervisor.start().catch(() => {
        // startFailed is reported through the state event (status bar, log).
      });
    }
  }
}
