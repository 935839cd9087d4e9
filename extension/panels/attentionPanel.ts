/**
 * "ScaleNet: Open Attention Maps": runs with a checkpoint (from `runs/list`) to pick
 * from; a request from the webview becomes one `gradcam/compute` per run, answered as
 * one row per run (a run that fails gets its error in its row, the others still show).
 * One panel at a time: opening it again reveals it (PanelSlot in registerPanels.ts).
 */
import * as vscode from 'vscode';
import { GradcamComputeRequest } from '../../sidecar/protocol';
import type {
  AttentionChannel,
  AttentionMapsState,
  AttentionRequest,
  AttentionRequests,
  AttentionRow,
  AttentionRun,
  AttentionWebviewMessage,
  Progress,
  RequestHandlers,
} from '../../webview/protocol';
import { PanelHost } from './panelHost';
import { attentionRuns } from './runFolders';
import type { PanelServices } from './services';
import { webviewOptions } from './webviewHtml';

export const ATTENTION_VIEW = 'scalenet.attentionMaps';

/** The state of a panel opened on `selectedRuns` (stages empty: the webview ticks them all). */
export function initialAttentionState(selectedRuns: string[]): AttentionMapsState {
  return { selectedRuns, stages: [], method: 'gradcam', indices: '0,1,2,3', opacity: 0.5 };
}

export class AttentionPanel extends PanelHost<AttentionChannel> {
  private runs: AttentionRun[] = [];
  /** Whether the state came from a command or a restore (else the webview keeps its own). */
  private readonly hasState: boolean;

  constructor(
    panel: vscode.WebviewPanel,
    services: PanelServices,
    state: AttentionMapsState | undefined,
  ) {
    super(panel, services, 'attentionMaps', 'Attention maps', state ?? initialAttentionState([]));
    this.hasState = state !== undefined;
  }

  static create(services: PanelServices, selectedRuns: string[]): AttentionPanel {
    const panel = vscode.window.createWebviewPanel(
      ATTENTION_VIEW,
      'ScaleNet: Attention Maps',
      vscode.ViewColumn.Beside,
      webviewOptions(services.extensionUri),
    );
    const state = selectedRuns.length > 0 ? initialAttentionState(selectedRuns) : undefined;
    return new AttentionPanel(panel, services, state);
  }

  /**
   * Opened again (the panel is revealed): the runs listed afresh, since runs may have
   * finished meanwhile, and the ones it was opened on selected.
   */
  async reopen(runDirs: string[]): Promise<void> {
    await this.onReady();
    if (runDirs.length > 0) this.post({ type: 'attention/select', runDirs });
  }

  protected async onReady(): Promise<void> {
    let runs: AttentionRun[] = [];
    try {
      // Every runs folder of the workspace: the setting's and each config's own.
      runs = await attentionRuns(this.services.client);
    } catch (error) {
      this.notice('error', `Could not list runs: ${(error as Error).message}`);
    }
    this.runs = runs;
    this.post({
      type: 'attention/init',
      runs,
      state: this.hasState ? this.state : undefined,
    });
  }

  protected onMessage(message: AttentionWebviewMessage): Promise<void> {
    // The webview only asks (requests) and saves state (common messages).
    return Promise.reject(new Error(`unexpected message ${JSON.stringify(message)}`));
  }

  protected requestHandlers(): RequestHandlers<AttentionRequests> {
    return {
      'attention/compute': (request, signal, progress) => this.compute(request, signal, progress),
    };
  }

  private async compute(
    request: AttentionRequest,
    signal: AbortSignal,
    progress: (p: Progress) => void,
  ): Promise<AttentionRow[]> {
    const token = this.token(signal);
    const rows: AttentionRow[] = [];
    for (const [i, runDir] of request.runDirs.entries()) {
      if (signal.aborted) break;
      const label = this.runs.find((r) => r.runDir === runDir)?.label ?? runDir;
      progress({ done: i, total: request.runDirs.length });
      try {
        const result = await this.services.client.request(
          GradcamComputeRequest.type,
          {
            runDir,
            images: request.images,
            stages: request.stages,
            method: request.method,
            target: request.target,
            model: request.model,
            labels: request.labels,
            targetClass: request.targetClass,
          },
          token,
        );
        rows.push({ runDir, label, result });
      } catch (error) {
        if (signal.aborted) break;
        rows.push({ runDir, label, error: (error as Error).message });
      }
    }
    return rows;
  }
}
