/**
 * "ScaleNet: Show Representation Map": the runs given (a Runs-view item or its selection,
 * an Explorer run folder) or picked (two by default: RotNet vs ScaleNet side by side).
 * The webview asks for their maps (`map/compute`); each becomes one `model/map` request
 * to the sidecar, answered as one row per run (a run that fails gets its error in its row).
 */
import * as vscode from 'vscode';
import { ModelMapRequest } from '../../sidecar/protocol';
import type {
  MapRequests,
  MapRow,
  MapWebviewMessage,
  Progress,
  RepresentationMapChannel,
  RepresentationMapState,
  RequestHandlers,
} from '../../webview/protocol';
import { PanelHost } from './panelHost';
import { attentionRuns, isRunDir } from './runFolders';
import type { PanelServices } from './services';
import { webviewOptions } from './webviewHtml';

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

/** The run folders in what the command got (a clicked item, then the view's selection). */
export function runDirsOf(args: unknown[]): string[] {
  const given = args
    .flatMap((a): unknown[] => (Array.isArray(a) ? (a as unknown[]) : [a]))
    .map(runDirOf)
    .filter((d): d is string => d !== undefined);
  return [...new Set(given)];
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

export class RepresentationMapPanel extends PanelHost<RepresentationMapChannel> {
  constructor(panel: vscode.WebviewPanel, services: PanelServices, state: RepresentationMapState) {
    super(panel, services, 'representationMap', 'Representation map', state);
  }

  /** `args`: what the command got; with no run folder in them, the user picks runs. */
  static async create(
    services: PanelServices,
    args: unknown[],
  ): Promise<RepresentationMapPanel | undefined> {
    const given = runDirsOf(args);
    const runDirs = given.length > 0 ? given : await pickRuns(services);
    if (runDirs.length === 0) return undefined;
    const panel = vscode.window.createWebviewPanel(
      REPRESENTATION_MAP_VIEW,
      'ScaleNet: Representation Map',
      vscode.ViewColumn.Beside,
      webviewOptions(services.extensionUri),
    );
    return new RepresentationMapPanel(panel, services, { runDirs });
  }

  protected onReady(): Promise<void> {
    this.post({ type: 'map/init', state: this.state });
    return Promise.resolve();
  }

  protected onMessage(message: MapWebviewMessage): Promise<void> {
    // The webview only asks (requests) and saves state (common messages).
    return Promise.reject(new Error(`unexpected message ${JSON.stringify(message)}`));
  }

  protected requestHandlers(): RequestHandlers<MapRequests> {
    return {
      'map/compute': (params, signal, progress) => this.compute(params.runDirs, signal, progress),
    };
  }

  private async compute(
    runDirs: string[],
    signal: AbortSignal,
    progress: (p: Progress) => void,
  ): Promise<MapRow[]> {
    const token = this.token(signal);
    const rows: MapRow[] = [];
    for (const [i, runDir] of runDirs.entries()) {
      if (signal.aborted) break;
      progress({ done: i, total: runDirs.length });
      try {
        rows.push({
          runDir,
          map: await this.services.client.request(ModelMapRequest.type, { runDir }, token),
        });
      } catch (error) {
        if (signal.aborted) break;
        rows.push({ runDir, error: (error as Error).message });
      }
    }
    return rows;
  }
}
