/**
 * The VS Code side of the sidecar: builds a SidecarSupervisor from the settings, writes its
 * log to the "ScaleNet" output channel, and re-emits its events as `vscode.Event`s that
 * survive a settings change (which replaces the supervisor, since its runtime, backend
 * and threads are fixed when the process starts).
 */
import { existsSync } from 'node:fs';
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
const PROCESS_SETTINGS = [
  'scalenet.nodePath',
  'scalenet.backend',
  'scalenet.threads',
  'scalenet.libtorchPath',
  'scalenet.torchDevice',
  'scalenet.torchThreads',
];

/** Where "Set Up Native Backend" puts the torch addon it builds (sidecar: SCALENET_TORCH_ADDON). */
export function torchAddonDir(context: vscode.ExtensionContext): string {
  return join(context.globalStorageUri.fsPath, 'torch-addon');
}

/** The torch backend's settings as the sidecar's environment variables. */
function torchEnv(
  context: vscode.ExtensionContext,
  settings: vscode.WorkspaceConfiguration,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // Only when built: an absent SCALENET_TORCH_ADDON lets the sidecar find the package's own
  // build/Release (npm ci from a clone builds it there).
  const addon = join(torchAddonDir(context), 'scalenet_torch.node');
  if (existsSync(addon)) env.SCALENET_TORCH_ADDON = addon;
  const libtorch = settings.get<string>('libtorchPath', '').trim();
  if (libtorch !== '') env.SCALENET_LIBTORCH = libtorch;
  const device = settings.get<string>('torchDevice', 'auto');
  if (device !== 'auto') env.SCALENET_TORCH_DEVICE = device;
  const threads = settings.get<number>('torchThreads', 0);
  if (threads > 0) env.SCALENET_TORCH_THREADS = String(threads);
  return env;
}

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

  /**
   * A new sidecar process from the current settings and files (e.g. a freshly built torch
   * addon); resolves with what it reports.
   */
  async restartFresh(): Promise<InitializeResult> {
    this.queueApplySettings();
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
        ...torchEnv(this.context, settings),
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
