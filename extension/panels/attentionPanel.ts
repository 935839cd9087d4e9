/**
 * "ScaleNet: Open Attention Maps": runs with a checkpoint (from `runs/list`) to pick
 * from; a request from the webview becomes one `gradcam/compute` per run, answered as
 * one row per run (a run that fails gets its error in its row, the others still show).
 */
import * as vscode from 'vscode';
import { GradcamComputeRequest } from '../../sidecar/protocol';
import {
  assertNever,
  type AttentionMapsState,
  type AttentionRequest,
  type AttentionRow,
  type AttentionRun,
  type HostMessage,
  type WebviewMessage,
} from '../../webview/protocol';
import { saveExport } from './exportFile';
import { attentionRuns } from './runFolders';
import type { PanelServices } from './services';
import { webviewHtml, webviewOptions } from './webviewHtml';

export const ATTENTION_VIEW = 'scalenet.attentionMaps';

export class AttentionPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private runs: AttentionRun[] = [];
  private cancel: vscode.CancellationTokenSource | undefined;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly services: PanelServices,
    private state: AttentionMapsState | undefined,
  ) {
    panel.webview.options = webviewOptions(services.extensionUri);
    panel.webview.html = webviewHtml(
      panel.webview,
      services.extensionUri,
      'attentionMaps',
      'Attention maps',
    );
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: WebviewMessage) => void this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  static create(services: PanelServices, selectedRuns: string[]): AttentionPanel {
    const panel = vscode.window.createWebviewPanel(
      ATTENTION_VIEW,
      'ScaleNet: Attention Maps',
      vscode.ViewColumn.Beside,
      webviewOptions(services.extensionUri),
    );
    const state: AttentionMapsState | undefined =
      selectedRuns.length > 0
        ? { selectedRuns, stages: [], method: 'gradcam', indices: '0,1,2,3', opacity: 0.5 }
        : undefined;
    return new AttentionPanel(panel, services, state);
  }

  private post(message: HostMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private async init(): Promise<void> {
    let runs: AttentionRun[] = [];
    try {
      // Every runs folder of the workspace: the setting's and each config's own.
      runs = await attentionRuns(this.services.client);
    } catch (error) {
      this.post({
        type: 'notice',
        level: 'error',
        message: `Could not list runs: ${(error as Error).message}`,
      });
    }
    this.runs = runs;
    this.post({ type: 'attention/init', runs, state: this.state });
  }

  private async compute(requestId: number, request: AttentionRequest): Promise<void> {
    this.cancel?.cancel();
    const cancel = (this.cancel = new vscode.CancellationTokenSource());
    const rows: AttentionRow[] = [];
    for (const [i, runDir] of request.runDirs.entries()) {
      const label = this.runs.find((r) => r.runDir === runDir)?.label ?? runDir;
      this.post({ type: 'attention/progress', requestId, done: i, total: request.runDirs.length });
      try {
        const result = await this.services.client.request(
          GradcamComputeRequest.type,
          {
            runDir,
            images: request.images,
            stages: request.stages,
            method: request.method,
            target: request.target,
          },
          cancel.token,
        );
        rows.push({ runDir, label, result });
      } catch (error) {
        if (cancel.token.isCancellationRequested) return;
        rows.push({ runDir, label, error: (error as Error).message });
      }
    }
    cancel.dispose();
    this.post({ type: 'attention/result', requestId, rows });
  }

  private async onMessage(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        await this.init();
        break;
      case 'state':
        if (message.state.panel === 'attentionMaps') this.state = message.state.state;
        break;
      case 'attention/request':
        await this.compute(message.requestId, message.request);
        break;
      case 'export': {
        const saved = await saveExport(message, vscode.workspace.workspaceFolders?.[0]?.uri);
        if (saved) this.post({ type: 'notice', level: 'info', message: `Saved ${saved}` });
        break;
      }
      case 'lossCurves/drawn':
      case 'harris/request':
      case 'harris/writeBack':
        break; // not this panel's
      default:
        assertNever(message);
    }
  }

  dispose(): void {
    this.cancel?.cancel();
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
  }
}
