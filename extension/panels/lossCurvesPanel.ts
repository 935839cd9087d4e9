/**
 * "ScaleNet: Show Loss Curves": the runs' metrics.jsonl as history, then every
 * `run/progress` of a run in flight appended live. Progress reports are running means
 * over the epoch so far, so they land on the same curves as the epoch-end lines.
 */
import * as vscode from 'vscode';
import type { RunProgressParams } from '../../sidecar/protocol';
import { progressPoints } from './progressPoints';
import {
  assertNever,
  type HostMessage,
  type LossCurvesState,
  type WebviewMessage,
} from '../../webview/protocol';
import type { PanelServices } from './services';
import { saveExport } from './exportFile';
import { readHistory } from './runFolders';
import { webviewHtml, webviewOptions } from './webviewHtml';

export const LOSS_CURVES_VIEW = 'scalenet.lossCurves';

export class LossCurvesPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly services: PanelServices,
    private state: LossCurvesState,
  ) {
    panel.webview.options = webviewOptions(services.extensionUri);
    panel.webview.html = webviewHtml(
      panel.webview,
      services.extensionUri,
      'lossCurves',
      'Loss curves',
    );
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: WebviewMessage) => void this.onMessage(m)),
      services.client.onProgress((p) => this.onProgress(p)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  static create(services: PanelServices, runDirs: string[]): LossCurvesPanel {
    const panel = vscode.window.createWebviewPanel(
      LOSS_CURVES_VIEW,
      'ScaleNet: Loss Curves',
      vscode.ViewColumn.Beside,
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

  private post(message: HostMessage): void {
    void this.panel.webview.postMessage(message);
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

  private async onMessage(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.post({
          type: 'lossCurves/history',
          runs: await Promise.all(
            this.state.runDirs.map((runDir) => readHistory(this.services.client, runDir)),
          ),
          state: this.state,
        });
        break;
      case 'state':
        if (message.state.panel === 'lossCurves') this.state = message.state.state;
        break;
      case 'lossCurves/drawn':
        this.services.log.trace(
          `loss curves: ${message.points} points drawn ${message.latencyMs} ms after they were sent`,
        );
        break;
      case 'export': {
        const saved = await saveExport(message, vscode.workspace.workspaceFolders?.[0]?.uri);
        if (saved) this.post({ type: 'notice', level: 'info', message: `Saved ${saved}` });
        break;
      }
      case 'harris/request':
      case 'harris/writeBack':
      case 'attention/request':
        break; // not this panel's
      default:
        assertNever(message);
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
  }
}
