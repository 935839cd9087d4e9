/**
 * A throw-away home for one code-server: HOME and XDG dirs, user data with seeded
 * settings, an extensions dir and a workspace with the configs the tests open. Nothing
 * the developer has (their VS Code settings, extensions, ~/.config) leaks in.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Small enough to finish in a few seconds of training on 2 cores. */
export const TINY_CONFIG = {
  name: 'e2e-tiny',
  seed: 1,
  method: 'rotnet',
  data: { dataset: 'embedded', channels: 1, limit: 200, inputMode: 'original' },
  model: { arch: 'resnet', blocks: [1, 1], widths: [8, 16] },
  pretext: { scales: [1], epochs: [1], lr: [0.05], batchSize: 16, heldOut: 100 },
};

/** The same run for many epochs: long enough to be stopped from the palette. */
export const LONG_CONFIG = {
  ...TINY_CONFIG,
  name: 'e2e-long',
  pretext: { ...TINY_CONFIG.pretext, epochs: [40] },
};

/** `data.inputMode` is not one of the schema's enum values. */
export const BROKEN_CONFIG_TEXT = `{
  // data.inputMode is misspelt on purpose: the schema must flag it.
  "name": "e2e-broken",
  "data": { "dataset": "embedded", "inputMode": "greyscale" }
}
`;

export const SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'editor.codeLens': true,
  'files.autoSave': 'off',
  'window.restoreWindows': 'none',
};

/**
 * @typedef {object} Sandbox
 * @property {string} root
 * @property {string} home
 * @property {string} userDataDir
 * @property {string} extensionsDir
 * @property {string} configFile
 * @property {string} workspace
 * @property {NodeJS.ProcessEnv} env environment for code-server and what it spawns
 * @property {() => void} remove
 */

/**
 * @param {string} label
 * @param {{ workspaceTrust?: boolean }} [options] workspaceTrust: VS Code asks whether to
 *   trust the folder (see startCodeServer)
 * @returns {Sandbox}
 */
export function createSandbox(label, { workspaceTrust = false } = {}) {
  const root = mkdtempSync(join(tmpdir(), `scalenet-e2e-${label}-`));
  /** @param {string[]} parts */
  const dir = (...parts) => {
    const path = join(root, ...parts);
    mkdirSync(path, { recursive: true });
    return path;
  };
  const home = dir('home');
  const userDataDir = dir('user-data');
  const extensionsDir = dir('extensions');
  const workspace = dir('workspace');
  const configFile = join(root, 'code-server.yaml');
  writeFileSync(configFile, 'auth: none\ncert: false\n');
  const settings = { ...SETTINGS, 'security.workspace.trust.enabled': workspaceTrust };
  writeFileSync(join(dir('user-data', 'User'), 'settings.json'), JSON.stringify(settings, null, 2));
  writeJson(join(workspace, 'tiny.scalenet.json'), TINY_CONFIG);
  writeJson(join(workspace, 'long.scalenet.json'), LONG_CONFIG);
  writeFileSync(join(workspace, 'broken.scalenet.json'), BROKEN_CONFIG_TEXT);
  // An ordinary JSON file: no lens, no ScaleNet schema.
  writeJson(join(workspace, 'other.json'), { name: 'not a ScaleNet config', epochs: 'many' });

  /** @type {NodeJS.ProcessEnv} */
  const env = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: dir('home', '.config'),
    XDG_DATA_HOME: dir('home', '.local', 'share'),
    XDG_CACHE_HOME: dir('home', '.cache'),
  };
  // The tests must not depend on what the developer's shell selects.
  delete env.SCALENET_BACKEND;
  delete env.VSCODE_IPC_HOOK_CLI;
  delete env.VSCODE_PID;
  const remove = () => {
    if (process.env.SCALENET_E2E_KEEP) return;
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };
  return { root, home, userDataDir, extensionsDir, configFile, workspace, env, remove };
}

/**
 * Pretty JSON with short arrays kept on one line, as a person would write the config.
 * @param {string} path
 * @param {unknown} value
 */
function writeJson(path, value) {
  const text = JSON.stringify(value, null, 2).replace(
    /\[\s+([^[\]{}]*?)\s+\]/g,
    (_, /** @type {string} */ inner) => `[${inner.split(/,\s+/).join(', ')}]`,
  );
  writeFileSync(path, text + '\n');
}
