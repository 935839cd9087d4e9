/**
 * One status bar item: the compute backend while idle (the backend in use is always
 * shown), the run's stage/epoch/ETA while training, and the sidecar's trouble
 * (start failed, gave up restarting) when there is some.
 */
import * as vscode from 'vscode';
import type { ActiveRun, ActiveRunTracker } from './activeRun';
import { shortProgress } from './progressText';
import type { SidecarClient } from './supervisor/client';
import type { StateChangeEvent } from './supervisor/supervisor';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'scalenet.status',
    vscode.StatusBarAlignment.Left,
    10,
  );
  private lastStateMessage: string | undefined;
  /** The run going now or the last one this session: a click opens its loss curves. */
  private lastRunDir: string | undefined;
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly client: SidecarClient,
    private readonly runs: ActiveRunTracker,
  ) {
    this.item.name = 'ScaleNet';
    this.item.command = 'scalenet.showLog';
    this.disposables = [
      this.item,
      client.onDidChangeState((e) => this.onState(e)),
      runs.onDidChange(() => this.render()),
    ];
    this.render();
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private onState(e: StateChangeEvent): void {
    this.lastStateMessage = e.message;
    this.render();
  }

  private render(): void {
    const run = this.runs.run;
    this.item.backgroundColor = undefined;
    if (run) this.lastRunDir = run.runDir;
    this.item.command = this.clickTarget();
    if (run) {
      this.renderRun(run);
      return;
    }
    const info = this.client.info;
    switch (this.client.state) {
      case 'running': {
        // "WebAssembly (SIMD, 1 thread, …)" → "WebAssembly": details go in the tooltip.
        const short = info?.backend.label.replace(/\s*\(.*$/, '') ?? 'ready';
        // A native backend also names its device: "libtorch 1.13.1 · cpu".
        const device = info?.backend.device ? ` · ${info.backend.device.device}` : '';
        this.item.text = `$(circuit-board) ScaleNet: ${short}${device}`;
        const rejected = (info?.backend.rejected ?? [])
          .map((r) => `\n- not ${r.backend}: ${r.reason}`)
          .join('');
        this.item.tooltip = `ScaleNet sidecar ${info?.version ?? ''} on ${info?.backend.label ?? '?'}${rejected}\n\n${this.clickHint()}.`;
        break;
      }
      case 'starting':
        this.item.text = '$(loading~spin) ScaleNet';
        this.item.tooltip = this.lastStateMessage ?? 'Starting the training sidecar…';
        break;
      case 'stopping':
        this.item.text = '$(loading~spin) ScaleNet';
        this.item.tooltip = 'Stopping the training sidecar…';
        break;
      case 'startFailed':
        this.item.text = '$(error) ScaleNet';
        this.item.tooltip = `${this.lastStateMessage ?? 'The sidecar did not start.'}\n\nClick for the log.`;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        break;
      case 'stopped':
        if (this.lastStateMessage) {
          // Stopped for a reason (gave up restarting after crashes): keep it visible.
          this.item.text = '$(warning) ScaleNet';
          this.item.tooltip = `${this.lastStateMessage}\n\nClick for the log.`;
          this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        } else {
          this.item.text = '$(circuit-board) ScaleNet';
          this.item.tooltip = 'The training sidecar starts with the first run ("ScaleNet: Train").';
        }
        break;
    }
  }

  /** The loss curves of the current or last run, else the log. */
  private clickTarget(): vscode.Command {
    // In trouble (start failed, gave up restarting) the log says what happened.
    const healthy = this.runs.run !== undefined || this.client.state === 'running';
    if (healthy && this.lastRunDir) {
      return {
        title: 'Show Loss Curves',
        command: 'scalenet.showLossCurves',
        arguments: [this.lastRunDir],
      };
    }
    return { title: 'Show Sidecar Log', command: 'scalenet.showLog' };
  }

  private clickHint(): string {
    return this.item.command !== undefined &&
      typeof this.item.command !== 'string' &&
      this.item.command.command === 'scalenet.showLossCurves'
      ? 'Click for the loss curves'
      : 'Click for the sidecar log';
  }

  private renderRun(run: ActiveRun): void {
    const progress = run.progress;
    const where = progress ? shortProgress(progress) : 'starting…';
    const verb = run.stopRequested ? 'stopping · ' : '';
    this.item.text = `$(sync~spin) ScaleNet ${verb}${where}`;
    this.item.tooltip = `Training ${run.name}\nRun folder: ${run.runDir}\n\n${this.clickHint()}; "ScaleNet: Stop Training" stops it with a checkpoint.`;
  }
}
