/**
 * The one training run the extension is driving, if any: which config it came from and
 * its latest progress. The status bar, the CodeLens and the `scalenet.runActive` context
 * key (which enables "Stop Training") all read it here rather than each tracking runs.
 */
import * as vscode from 'vscode';
import type { ActiveRunInfo } from '../sidecar/protocol/index';
import type { SidecarClient } from './supervisor/client';
import type { SupervisedRunFinished } from './supervisor/supervisor';

/** The protocol's active run, with the config it came from in this window. */
export interface ActiveRun extends ActiveRunInfo {
  configUri: vscode.Uri;
  name: string;
  /** Set once the user asked it to stop: the run ends at the next batch. */
  stopRequested: boolean;
}

export const RUN_ACTIVE_CONTEXT_KEY = 'scalenet.runActive';

export class ActiveRunTracker implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<ActiveRun | undefined>();
  /** Fires on start, on each progress, and with `undefined` when the run has ended. */
  readonly onDidChange = this.changeEmitter.event;
  private current: ActiveRun | undefined;
  private readonly disposables: vscode.Disposable[];

  constructor(client: SidecarClient) {
    this.disposables = [
      this.changeEmitter,
      client.onProgress((p) => {
        if (p.runId !== this.current?.runId) return;
        this.current.progress = p;
        this.changeEmitter.fire(this.current);
      }),
      client.onFinished((f: SupervisedRunFinished) => {
        if (f.runId === this.current?.runId) this.set(undefined);
      }),
    ];
    void this.setContext(false);
  }

  get run(): ActiveRun | undefined {
    return this.current;
  }

  begin(run: Omit<ActiveRun, 'stopRequested'>): ActiveRun {
    const active = { ...run, stopRequested: false };
    this.set(active);
    return active;
  }

  /** For a run that failed to start or whose end we learnt about another way. */
  end(runId: string): void {
    if (this.current?.runId === runId) this.set(undefined);
  }

  markStopping(): void {
    if (!this.current) return;
    this.current.stopRequested = true;
    this.changeEmitter.fire(this.current);
  }

  isRunning(configUri: vscode.Uri): boolean {
    return this.current?.configUri.toString() === configUri.toString();
  }

  dispose(): void {
    void this.setContext(false);
    for (const d of this.disposables) d.dispose();
  }

  private set(run: ActiveRun | undefined): void {
    const wasActive = this.current !== undefined;
    this.current = run;
    if (wasActive !== (run !== undefined)) void this.setContext(run !== undefined);
    this.changeEmitter.fire(run);
  }

  private async setContext(active: boolean): Promise<void> {
    await vscode.commands.executeCommand('setContext', RUN_ACTIVE_CONTEXT_KEY, active);
  }
}
