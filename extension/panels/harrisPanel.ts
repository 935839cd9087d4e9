/**
 * "ScaleNet: Preview Harris Images" for a *.scalenet.json config: the webview's sliders
 * become `harris/preview` requests (the unsaved editor text included, so what is shown
 * is what a run would use), and "write back" edits data.harris in the config's editor.
 */
import * as vscode from 'vscode';
import { modify, applyEdits, parse, type ParseError } from 'jsonc-parser';
import { HarrisPreviewRequest, type HarrisParams } from '../../sidecar/protocol';
import type {
  HarrisChannel,
  HarrisPreviewState,
  HarrisRequests,
  HarrisWebviewMessage,
  RequestHandlers,
} from '../../webview/protocol';
import { PanelHost } from './panelHost';
import type { PanelServices } from './services';
import { webviewOptions } from './webviewHtml';

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

export class HarrisPanel extends PanelHost<HarrisChannel> {
  constructor(panel: vscode.WebviewPanel, services: PanelServices, state: HarrisPreviewState) {
    super(panel, services, 'harrisPreview', 'Harris preview', state);
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

  protected async onReady(): Promise<void> {
    const config = parseConfig(await configText(this.state.configPath));
    const harris = { ...DEFAULT_HARRIS, ...config?.data?.harris };
    this.state = { ...this.state, harris };
    this.post({ type: 'harris/init', state: this.state, scales: config?.pretext?.scales ?? [1] });
  }

  protected requestHandlers(): RequestHandlers<HarrisRequests> {
    return {
      // The webview asks "latest only": a newer request aborts this one's signal.
      'harris/preview': async ({ harris, count }, signal) => {
        const text = await configText(this.state.configPath);
        return this.services.client.request(
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
          this.token(signal),
        );
      },
    };
  }

  protected async onMessage(message: HarrisWebviewMessage): Promise<void> {
    switch (message.type) {
      case 'harris/writeBack':
        return this.writeBack(message.harris);
    }
  }

  protected override exportFolder(): vscode.Uri {
    return vscode.Uri.joinPath(vscode.Uri.file(this.state.configPath), '..');
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
    if (ok) {
      this.notice(
        'info',
        `Wrote data.harris into ${vscode.workspace.asRelativePath(uri)} (unsaved).`,
      );
    } else {
      this.notice('error', `Could not edit ${uri.fsPath}.`);
    }
  }
}
