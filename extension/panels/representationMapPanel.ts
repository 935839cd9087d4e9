/**
 * "ScaleNet: Show Representation Map": the runs given (a Runs-view item or its selection,
 * an Explorer run folder) or picked (two by default: RotNet vs ScaleNet side by side);
 * the sidecar computes each map (`model/map`), the webview draws them.
 */
import * as vscode from 'vscode';
import { ModelMapRequest, type ModelMapResult } from '../../sidecar/protocol';
import { assertNever, type HostMessage, type WebviewMessage } from '../../webview/protocol';
import { saveExport } from './exportFile';
import { attentionRuns, isRunDir } from './runFolders';
import type { PanelServices } from './services';
import { webviewHtml, webviewOptions } from './webviewHtml';

export const REPRESENTATION_MAP_VIEW = 'scalenet.representationMap';

/** A run folder from whatever a menu, lens or view passes: path, Uri or a run tree node. */
export function runDirOf(arg: unknown): string | undefined {
  const path =
    typeof arg === 'string'
      ? arg
      : arg instanceof vscode.Uri
        ? arg.fsPath
        : (arg as { run?: { runDir?: unknown } } | undefined)?.run?.runDir;
  return typeof path === 'string' && isRunDir(path) ? path : undefined;
}

async function pickRuns(services: PanelServices): Promise<string[]> {
  const runs = await attentionRuns(services.client);
  const picked = await vscode.window.showQuickPick(
    runs.map((r) => ({ label: r.label, description: r.runDir, runDir: r.runDir })),
    {
      canPickMany: true,
      title: 'ScaleNet: Representation Map',
      placeHolder: 'Runs to map (two side by side: RotNet vs ScaleNet)',
    },
  );
  return (picked ?? []).map((p) => p.runDir);
}

export class RepresentationMapPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly services: PanelServices,
    private readonly runDirs: string[],
  ) {
    panel.webview.options = webviewOptions(services.extensionUri);
    panel.webview.html = webviewHtml(
      panel.webview,
      services.extensionUri,
      'representationMap',
      'Representation map',
    );
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: WebviewMessage) => void this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** `args`: what the command got (a clicked item, then the view's selection). */
  static async create(services: PanelServices, args: unknown[]): Promise<void> {
    const given = args
      .flatMap((a): unknown[] => (Array.isArray(a) ? (a as unknown[]) : [a]))
      .map(runDirOf)
      .filter((d): d is string => d !== undefined);
    const runDirs = given.length > 0 ? [...new Set(given)] : await pickRuns(services);
    if (runDirs.length === 0) return;
    const panel = vscode.window.createWebviewPanel(
      REPRESENTATION_MAP_VIEW,
      'ScaleNet: Representation Map',
      vscode.ViewColumn.Beside,
      webviewOptions(services.extensionUri),
    );
    new RepresentationMapPanel(panel, services, runDirs);
  }

  private post(message: HostMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private async show(): Promise<void> {
    const maps: ModelMapResult[] = [];
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: 'ScaleNet: mapping test embeddings',
      },
      async (progress) => {
        for (const runDir of this.runDirs) {
          progress.report({ message: runDir });
          try {
            maps.push(await this.services.client.request(ModelMapRequest.type, { runDir }));
          } catch (error) {
            this.post({
              type: 'notice',
              level: 'error',
              message: `${runDir}: ${(error as Error).message}`,
            });
          }
        }
      },
    );
    this.post({ type: 'map/show', maps });
  }

  private async onMessage(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        await this.show();
        break;
      case 'export': {
        const saved = await saveExport(message, vscode.workspace.workspaceFolders?.[0]?.uri);
        if (saved) this.post({ type: 'notice', level: 'info', message: `Saved ${saved}` });
        break;
      }
      case 'state':
      case 'lossCurves/drawn':
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
