/** Saves a file a webview made (it cannot write files itself) where the user chooses. */
import * as vscode from 'vscode';
import type { ExportMessage } from '../../webview/protocol';

export async function saveExport(
  message: ExportMessage,
  near: vscode.Uri | undefined,
): Promise<string | undefined> {
  const defaultUri = near ? vscode.Uri.joinPath(near, message.fileName) : undefined;
  const target = await vscode.window.showSaveDialog({
    defaultUri,
    filters: message.format === 'csv' ? { CSV: ['csv'] } : { PNG: ['png'] },
  });
  if (!target) return undefined;
  const bytes =
    message.format === 'csv'
      ? new TextEncoder().encode(message.data)
      : Buffer.from(message.data, 'base64');
  await vscode.workspace.fs.writeFile(target, bytes);
  return target.fsPath;
}
