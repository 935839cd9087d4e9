/**
 * "ScaleNet: New Config": pick a method, get a commented starting config in the
 * workspace (next to the active config when there is one), opened for editing. The
 * file name is new: an existing config is never overwritten.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { CONFIG_SUFFIX, isConfigUri } from '../configFiles';
import { TEMPLATES, templateText } from '../configTemplates';
import { OWN_IMAGES_ITEM, ownImagesConfig } from './ownImagesConfig';

export async function newConfig(): Promise<vscode.Uri | undefined> {
  const folder = targetFolder();
  if (!folder) {
    void vscode.window.showInformationMessage('ScaleNet: open a folder first; configs live in it.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    [
      { ...OWN_IMAGES_ITEM, template: undefined },
      ...TEMPLATES.map((t) => ({ label: t.label, detail: t.detail, template: t })),
    ],
    { title: 'ScaleNet: New Config', placeHolder: 'Your own images, or which method?' },
  );
  if (!picked) return undefined;
  if (!picked.template) return ownImagesConfig(folder);
  const { stem, id } = picked.template;
  let name = stem;
  for (let n = 2; existsSync(join(folder, `${name}${CONFIG_SUFFIX}`)); n++) name = `${stem}-${n}`;
  const path = join(folder, `${name}${CONFIG_SUFFIX}`);
  // `wx`: fail rather than overwrite a file created since the check.
  await writeFile(path, templateText(id, name), { flag: 'wx' });
  const uri = vscode.Uri.file(path);
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
  return uri;
}

function targetFolder(): string | undefined {
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.scheme === 'file' && isConfigUri(active)) return dirname(active.fsPath);
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}
