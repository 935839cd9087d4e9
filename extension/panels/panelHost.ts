/**
 * What every panel host does, once: the webview's options and HTML, its channel (the
 * common messages — ready, state, export — here; the panel's own messages and requests
 * in the subclass), and the disposables it owns, disposed with the panel. A subclass
 * says what it sends on `ready`, how it handles its own messages and what it answers.
 */
import * as vscode from 'vscode';
import {
  COMMON_WEBVIEW_TYPES,
  RequestServer,
  type AnyChannel,
  type CommonWebviewMessage,
  type HostWire,
  type NoticeMessage,
  type PanelKind,
  type RequestHandlers,
} from '../../webview/protocol';
import { DisposableStore } from './dispose';
import { saveExport } from './exportFile';
import type { PanelServices } from './services';
import { webviewHtml, webviewOptions } from './webviewHtml';

/** The panel's own webview messages: its channel's, less the common set this class handles. */
export type OwnWebviewMessage<C extends AnyChannel> = Exclude<
  C['webview'],
  CommonWebviewMessage<C['state']>
>;

export abstract class PanelHost<C extends AnyChannel> extends DisposableStore {
  private server: RequestServer<C['requests']> | undefined;

  constructor(
    protected readonly panel: vscode.WebviewPanel,
    protected readonly services: PanelServices,
    kind: PanelKind,
    title: string,
    protected state: C['state'],
  ) {
    super();
    panel.webview.options = webviewOptions(services.extensionUri);
    panel.webview.html = webviewHtml(panel.webview, services.extensionUri, kind, title);
    this.register(panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)));
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register({ dispose: () => this.server?.cancelAll() });
  }

  /** Brings the panel to the front (a second "open" of a single-instance panel). */
  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  /** Calls `listener` once when the panel goes (closed by the user or disposed). */
  onDispose(listener: () => void): void {
    this.register({ dispose: listener });
  }

  protected post(message: HostWire<C>): void {
    void this.panel.webview.postMessage(message);
  }

  /** Tells the webview where an export or edit went, or why not (every channel has it). */
  protected notice(level: NoticeMessage['level'], message: string): void {
    const notice: NoticeMessage = { type: 'notice', level, message };
    this.post(notice);
  }

  /** What the panel sends once its script listens. */
  protected abstract onReady(): Promise<void>;
  /** The panel's own webview messages. */
  protected abstract onMessage(message: OwnWebviewMessage<C>): Promise<void>;
  /** The answers to the requests its webview makes. */
  protected abstract requestHandlers(): RequestHandlers<C['requests']>;

  /** Where the save dialog of an export starts. */
  protected exportFolder(): vscode.Uri | undefined {
    return vscode.workspace.workspaceFolders?.[0]?.uri;
  }

  /** A CancellationToken (for the sidecar client) that cancels when `signal` aborts. */
  protected token(signal: AbortSignal): vscode.CancellationToken {
    const source = new vscode.CancellationTokenSource();
    if (signal.aborted) source.cancel();
    else signal.addEventListener('abort', () => source.cancel(), { once: true });
    return source.token;
  }

  private receive(message: unknown): void {
    this.server ??= new RequestServer(this.requestHandlers(), (reply) => this.post(reply));
    if (this.server.receive(message)) return;
    const typed = message as C['webview'];
    const handled = COMMON_WEBVIEW_TYPES.has(typed.type)
      ? this.onCommon(typed as CommonWebviewMessage<C['state']>)
      : this.onMessage(typed as OwnWebviewMessage<C>);
    handled.catch((error: unknown) => {
      const text = error instanceof Error ? error.message : String(error);
      this.services.log.error(`${this.panel.viewType}: ${typed.type}: ${text}`);
      this.notice('error', text);
    });
  }

  private async onCommon(message: CommonWebviewMessage<C['state']>): Promise<void> {
    switch (message.type) {
      case 'ready':
        return this.onReady();
      case 'state':
        this.state = message.state;
        return;
      case 'export': {
        const saved = await saveExport(message, this.exportFolder());
        if (saved) this.notice('info', `Saved ${saved}`);
        return;
      }
    }
  }
}
