/**
 * The workspace's runs folders as the one resolver of the run store places them
 * (sidecar/protocol/runStore.ts): the `scalenet.runsDir` setting's folder under each
 * workspace folder plus every config's own `runsDir`. The Runs view and the panels'
 * pickers both list runs from here, so a run written to a config's own folder is in both.
 */
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { CONFIG_GLOB } from '../configFiles';
import { pickerRunDirs, runsFolders, type RunsFolder } from './runsFolders';

export async function findRunsFolders(): Promise<RunsFolder[]> {
  const uris = await vscode.workspace.findFiles(CONFIG_GLOB, '**/node_modules/**', 200);
  const configs = await Promise.all(
    uris.map(async (uri) => ({
      path: uri.fsPath,
      text: await readFile(uri.fsPath, 'utf8').catch(() => ''),
    })),
  );
  return runsFolders({
    settingRunsDir: vscode.workspace.getConfiguration('scalenet').get<string>('runsDir', ''),
    workspaceFolders: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
    configs,
  });
}

/** The newest `max` run folders of the whole workspace. */
export async function workspaceRunDirs(max: number): Promise<string[]> {
  return pickerRunDirs(await findRunsFolders(), max);
}
