/** The extension under test: the repository root, its build and its packaged .vsix. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..', '..');

/** @param {string} script */
function npmRun(script) {
  const result = spawnSync('npm', ['run', script], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(
      `npm run ${script} failed (${result.status}):\n${result.stdout}${result.stderr}`,
    );
  }
}

/**
 * The .vsix to install: SCALENET_E2E_VSIX when the caller packaged it already (run.sh
 * does, once for both suites), else `npm run package` now.
 */
export function packagedVsix() {
  const given = process.env.SCALENET_E2E_VSIX;
  if (given) {
    if (!existsSync(given)) throw new Error(`SCALENET_E2E_VSIX=${given} does not exist`);
    return resolve(given);
  }
  npmRun('package');
  return join(ROOT, 'scalenet.vsix');
}

/** dist/ for loading the repository as an extension under development. */
export function ensureBuilt() {
  if (!existsSync(join(ROOT, 'dist', 'extension.js'))) npmRun('build');
  return ROOT;
}

/**
 * Whether the extension's manifest contributes a view with this id (features still landing).
 * @param {string} id
 */
export function contributesView(id) {
  /** @type {unknown} JSON.parse's any, read as the manifest below */
  const parsed = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const manifest = /** @type {{ contributes?: { views?: Record<string, { id: string }[]> } }} */ (
    parsed
  );
  const views = Object.values(manifest.contributes?.views ?? {}).flat();
  return views.some((view) => view.id === id);
}
