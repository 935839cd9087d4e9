/** What the panel hosts need from the extension: the sidecar client, the log, where dist/ is. */
import type * as vscode from 'vscode';
import type { SidecarClient } from '../supervisor/client';

export interface PanelServices {
  client: SidecarClient;
  log: vscode.LogOutputChannel;
  extensionUri: vscode.Uri;
}
