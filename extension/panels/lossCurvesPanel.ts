/**
 * "ScaleNet: Show Loss Curves": the runs' metrics.jsonl as history, then every
 * `run/progress` of a run in flight appended live. Progress reports are running means
 * over the epoch so far, so they land on the same curves as the epoch-end lines.
 */
import * as vscode from 'vscode';
import type { RunProgressParams } from '../../sidecar/protocol';
import type {
  LossCurvesChannel,
  LossCurvesRequests,
  LossCurvesState,
  LossCurvesWebviewMessage,
  RequestHandlers,
} from '../../webview/protocol';
import { PanelHost } from './panelHost';
import { progressPoints } from './progressPoints';
import { readHistory } from './runFolders';
import type { PanelServices } from './services';
import { webviewOptions } from './webviewHtml';

export const LOSS_CURVES_VIEW = 'scalenet.lossCurves';

export class LossCurvesPanel extends PanelHost<LossCurvesChannel> {
  constructor(panel: vscode.WebviewPanel, services: PanelServices, state: LossCurvesState) {
    super(panel, services, 'lossCurves', 'Loss curves', state);
    this.register(services.client.onProgress((p) => this.onProgress(p)));
  }

  static create(services: PanelServices, runDirs: string[]): LossCurvesPanel {
    // Beside the config without taking the keyboard: it also opens by itself when a run
    // starts (scalenet.showLossCurvesOnTrain), and the user is typing in the editor then.
    const panel = vscode.window.createWebviewPanel(
      LOSS_CURVES_VIEW,
      'ScaleNet: Loss Curves',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      webviewOptions(services.extensionUri),
    );
    return new LossCurvesPanel(panel, services, {
      smoothing: 0.6,
      xAxis: 'step',
      logScale: false,
      hiddenRuns: [],
      runDirs,
    });
  }

  private onProgress(p: RunProgressParams): void {
    const now = Date.now();
    const { points, stage } = progressPoints(p, now);
    if (points.length === 0) return;
    this.post({
      type: 'lossCurves/append',
      runId: p.runId,
      label: p.runId,
      points,
      stage,
      sentAt: now,
    });
  }

  protected async onReady(): Promise<void> {
    this.post({
      type: 'lossCurves/history',
      runs: await Promise.all(
        this.state.runDirs.map((runDir) => readHistory(this.services.client, runDir)),
      ),
      state: this.state,
    });
  }

  protected onMessage(message: LossCurvesWebviewMessage): Promise<void> {
    // One message type today: the switch is the place a second one must be handled.
    switch (message.type) {
      case 'lossCurves/drawn':
        this.services.log.trace(
          `loss curves: ${message.points} points drawn ${message.latencyMs} ms after they were sent`,
        );
    }
    return Promise.resolve();
  }

  protected requestHandlers(): RequestHandlers<LossCurvesRequests> {
    return {};
  }
}
