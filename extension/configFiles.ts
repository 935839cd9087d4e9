/**
 * Finding the `*.scalenet.json` to act on, and reading it as the editor holds it
 * (unsaved edits included), for the commands and the CodeLens.
 */
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import { parseConfigText, runsDirOverride } from './configText';

export const CONFIG_GLOB = '**/*.scalenet.json';
export const CONFIG_SUFFIX = '.scalenet.json';

export function isConfigUri(uri: vscode.Uri): boolean {
  return uri.path.endsWith(CONFIG_SUFFIX);
}

/** The name a config goes by in messages: its `name` field or its file name. */
export function configDisplayName(uri: vscode.Uri, config?: unknown): string {
  const name = (config as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && name.trim() !== '' ? name : basename(uri.path, CONFIG_SUFFIX);
}

/** The given Uri, else the active editor's config, else one the user picks. */
export async function chooseConfig(given?: vscode.Uri): Promise<vscode.Uri | undefined> {
  if (given) return given;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && isConfigUri(active)) return active;
  const found = await vscode.workspace.findFiles(CONFIG_GLOB, '**/node_modules/**', 200);
  if (found.length === 0) {
    void vscode.window.showInformationMessage(
      'ScaleNet: no *.scalenet.json in this workspace. Create one (see examples/fashion-mnist.scalenet.json) and run "ScaleNet: Train" again.',
    );
    return undefined;
  }
  if (found.length === 1) return found[0];
  const items = found
    .map((uri) => ({
      label: basename(uri.path),
      description: vscode.workspace.asRelativePath(uri),
      uri,
    }))
    .sort((a, b) => a.description.localeCompare(b.description));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'ScaleNet: Train',
    placeHolder: 'Which config?',
    matchOnDescription: true,
  });
  return picked?.uri;
}

export interface LoadedConfig {
  uri: vscode.Uri;
  config: unknown;
  name: string;
  /** Undefined: the config's own runsDir, resolved by the sidecar. */
  runsDir: string | undefined;
}

/** Parses the config and says where its runs go; shows the syntax error and returns undefined. */
export async function loadConfig(uri: vscode.Uri): Promise<LoadedConfig | undefined> {
  const document = await vscode.workspace.openTextDocument(uri);
  const parsed = parseConfigText(document.getText());
  if (!parsed.ok) {
    const open = 'Open Config';
    const answer = await vscode.window.showErrorMessage(
      `ScaleNet: ${basename(uri.path)} is not valid JSON (line ${parsed.line}, column ${parsed.column}): ${parsed.message}`,
      open,
    );
    if (answer === open) {
      const position = new vscode.Position(parsed.line - 1, parsed.column - 1);
      await vscode.window.showTextDocument(document, {
        selection: new vscode.Range(position, position),
      });
    }
    return undefined;
  }
  const config = parsed.value;
  const runsDir = runsDirOverride({
    configRunsDir: (config as { runsDir?: unknown } | null)?.runsDir,
    settingRunsDir: vscode.workspace.getConfiguration('scalenet', uri).get<string>('runsDir', ''),
    workspaceFolder: vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath,
    configDir: dirname(uri.fsPath),
  });
  return { uri, config, name: configDisplayName(uri, config), runsDir };
}
