/**
 * "ScaleNet: Preview Harris Images" for a *.scalenet.json config: the webview's sliders
 * become `harris/preview` requests (the unsaved editor text included, so what is shown
 * is what a run would use), and "write back" edits data.harris in the config's editor.
 */
import * as vscode from 'vscode';
import { modify, applyEdits, parse, type ParseError } from 'jsonc-parser';
import { HarrisPreviewRequest, type HarrisParams } from '../../sidecar/protocol';
import {
  assertNever,
  type HarrisPreviewState,
  type HostMessage,
  type WebviewMessage,
} from '../../webview/protocol';
import { saveExport } from './exportFile';
import type { PanelServices } from './services';
import { webviewHtml, webviewOptions } from './webviewHtml';

export const HARRIS_VIEW = 'scalenet.harrisPreview';
const DEFAULT_HARRIS: HarrisParams = { blockSize: 2, ksize: 3, k: 0.04, threshold: 0.01 };

interface ConfigShape {
  data?: { harris?: Partial<HarrisParams> };
  pretext?: { scales?: number[] };
}

async function configText(configPath: string): Promise<string> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(configPath));
  return doc.getText();
}

function parseConfig(text: string): ConfigShape | undefined {
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: true }) as ConfigShape | undefined;
  return errors.length === 0 ? value : undefined;
}

export class HarrisPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private cancel: vscode.CancellationTokenSource | undefined;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly services: PanelServices,
    private state: HarrisPreviewState,
  ) {
    panel.webview.options = webviewOptions(services.extensionUri);
    panel.webview.html = webviewHtml(
      panel.webview,
      services.extensionUri,
      'harrisPreview',
      'Harris preview',
    );
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: WebviewMessage) => void this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  static create(services: PanelServices, configPath: string): HarrisPanel {
    const panel = vscode.window.createWebviewPanel(
      HARRIS_VIEW,
      'ScaleNet: Harris Preview',
      vscode.ViewColumn.Beside,
      webviewOptions(services.extensionUri),
    );
    return new HarrisPanel(panel, services, { configPath, harris: DEFAULT_HARRIS, count: 8 });
  }

  private post(message: HostMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private async init(): Promise<void> {
    const config = parseConfig(await configText(this.state.configPath));
    const harris = { ...DEFAULT_HARRIS, ...config?.data?.harris };
    this.state = { ...this.state, harris };
    this.post({ type: 'harris/init', state: this.state, scales: config?.pretext?.scales ?? [1] });
  }

  private async preview(requestId: number, harris: HarrisParams, count: number): Promise<void> {
    // Only the newest request matters while a slider moves: cancel the one in flight.
    this.cancel?.cancel();
    const cancel = (this.cancel = new vscode.CancellationTokenSource());
    try {
      const text = await configText(this.state.configPath);
      const result = await this.services.client.request(
        HarrisPreviewRequest.type,
        {
          source: {
            kind: 'config',
            configPath: this.state.configPath,
            config: parse(text) as unknown,
          },
          harris,
          count,
        },
        cancel.token,
      );
      this.post({ type: 'harris/result', requestId, result });
    } catch (error) {
      if (!cancel.token.isCancellationRequested) {
        this.post({ type: 'harris/error', requestId, message: (error as Error).message });
      }
    } finally {
      cancel.dispose();
    }
  }

  /** data.harris in the config's editor, as one undoable edit (saving is the user's call). */
  private async writeBack(harris: HarrisParams): Promise<void> {
    const uri = vscode.Uri.file(this.state.configPath);
    const doc = await vscode.workspace.openTextDocument(uri);
    const text = doc.getText();
    const edits = modify(text, ['data', 'harris'], harris, {
      formattingOptions: { insertSpaces: true, tabSize: 2 },
    });
    const updated = applyEdits(text, edits);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(text.length)), updated);
    const ok = await vscode.workspace.applyEdit(edit);
    this.post(
      ok
        ? {
            type: 'notice',
            level: 'info',
            message: `Wrote data.harris into ${vscode.workspace.asRelativePath(uri)} (unsaved).`,
          }
        : { type: 'notice', level: 'error', message: `Could not edit ${uri.fsPath}.` },
    );
  }

  private async onMessage(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        await this.init();
        break;
      case 'state':
        if (message.state.panel === 'harrisPreview') this.state = message.state.state;
        break;
      case 'harris/request':
        await this.preview(message.requestId, message.harris, message.count);
        break;
      case 'harris/writeBack':
        await this.writeBack(message.harris);
        break;
      case 'export':
        await saveExport(
          message,
          vscode.Uri.joinPath(vscode.Uri.file(this.state.configPath), '..'),
        );
        break;
      case 'lossCurves/drawn':
      case 'attention/request':
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
