/**
 * New Config → "Your own images": asks where the unlabelled images are and where the
 * labelled ones are (folder pickers), shows what it found, and writes a commented config
 * with a suggested method and scales for that image size (extension/ownImagesSetup.ts).
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { CONFIG_SUFFIX } from '../configFiles';
import { ownImagesConfigText, surveyLabelled, surveyLines, surveyPool } from '../ownImagesSetup';

export const OWN_IMAGES_ITEM = {
  label: 'Your own images',
  detail:
    'Where are your unlabelled images, where are your labelled ones? Pretext on the first, evaluation on the second.',
};

async function pickFolder(title: string, openLabel: string, near: string) {
  const picked = await vscode.window.showOpenDialog({
    title,
    openLabel,
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    defaultUri: vscode.Uri.file(near),
  });
  return picked?.[0]?.fsPath;
}

export async function ownImagesConfig(folder: string): Promise<vscode.Uri | undefined> {
  const poolDir = await pickFolder(
    'ScaleNet: Where are your unlabelled images? (any depth, no classes)',
    'Use as unlabelled images',
    folder,
  );
  if (!poolDir) return undefined;
  const pool = surveyPool(poolDir);
  if (pool.images === 0) {
    void vscode.window.showErrorMessage(`ScaleNet: no PNG or JPEG images under ${poolDir}.`);
    return undefined;
  }
  const labelledDir = await pickFolder(
    'ScaleNet: Where are your labelled images? (one subfolder per class)',
    'Use as labelled images',
    folder,
  );
  if (!labelledDir) return undefined;
  const labelled = surveyLabelled(labelledDir);
  const usable = labelled.classes.filter((c) => c.train > 0);
  if (usable.length < 2) {
    void vscode.window.showErrorMessage(
      `ScaleNet: ${labelledDir} needs at least two class subfolders with images (found ${usable.length}).`,
    );
    return undefined;
  }
  let name = 'own-images';
  for (let n = 2; existsSync(join(folder, `${name}${CONFIG_SUFFIX}`)); n++)
    name = `own-images-${n}`;
  const path = join(folder, `${name}${CONFIG_SUFFIX}`);
  const text = ownImagesConfigText({
    name,
    configDir: folder,
    poolDir,
    labelledDir,
    pool,
    labelled,
  });
  // `wx`: fail rather than overwrite a file created since the check.
  await writeFile(path, text, { flag: 'wx' });
  void vscode.window.showInformationMessage(`ScaleNet: ${surveyLines(pool, labelled).join('; ')}.`);
  const uri = vscode.Uri.file(path);
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  return uri;
}
