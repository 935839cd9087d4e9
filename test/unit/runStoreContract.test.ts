/**
 * The run store's published contract (sidecar/protocol/runStore.ts): the one runs-folder
 * resolver every component uses, "is a run folder", and the pickers' run list over the
 * workspace's runs folders. The bug this guards: runs written to a config's own runsDir
 * (every shipped example sets one) were missing from "Show Loss Curves" and "Open
 * Attention Maps", which listed only the setting's folder.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pickerRunDirs, runsFolders } from '../../extension/runs/runsFolders';
import {
  DEFAULT_RUNS_DIR,
  isRunFolder,
  listRunFolders,
  resolveRunsDir,
} from '../../sidecar/protocol/runStore';

/** A run folder as the sidecar writes it: config.json first, written at `time`. */
function makeRun(runsDir: string, name: string, time: number): string {
  const dir = join(runsDir, name);
  mkdirSync(join(dir, 'checkpoints'), { recursive: true });
  writeFileSync(join(dir, 'config.json'), '{}');
  utimesSync(join(dir, 'config.json'), time, time);
  return dir;
}

void describe('resolveRunsDir', () => {
  void it("the config's own runsDir, relative to the config's folder, wins over the setting", () => {
    const dir = resolveRunsDir({
      configDir: '/ws/examples/small',
      configRunsDir: '../../.scalenet/runs',
      settingRunsDir: 'elsewhere',
      workspaceFolder: '/ws',
    });
    assert.equal(dir, '/ws/.scalenet/runs');
  });

  void it('else the setting, relative to the workspace folder, or absolute as given', () => {
    const relative = { configDir: '/ws/ex', settingRunsDir: 'out/runs', workspaceFolder: '/ws' };
    assert.equal(resolveRunsDir(relative), '/ws/out/runs');
    assert.equal(resolveRunsDir({ ...relative, settingRunsDir: '/data/runs' }), '/data/runs');
    // A blank runsDir in the config is no runsDir.
    assert.equal(resolveRunsDir({ ...relative, configRunsDir: '  ' }), '/ws/out/runs');
  });

  void it('else .scalenet/runs in the workspace folder, or the config folder without one', () => {
    assert.equal(DEFAULT_RUNS_DIR, '.scalenet/runs');
    assert.equal(
      resolveRunsDir({ configDir: '/ws/ex', settingRunsDir: '', workspaceFolder: '/ws' }),
      '/ws/.scalenet/runs',
    );
    assert.equal(resolveRunsDir({ configDir: '/home/u/cfg' }), '/home/u/cfg/.scalenet/runs');
  });
});

void describe('run folders', () => {
  void it('a run folder is one with a config.json; listed newest first', () => {
    const runsDir = mkdtempSync(join(tmpdir(), 'runstore-'));
    const older = makeRun(runsDir, 'b-20260101-000000', 1_000_000);
    const newer = makeRun(runsDir, 'a-20260102-000000', 2_000_000);
    mkdirSync(join(runsDir, 'not-a-run'));
    assert.equal(isRunFolder(older), true);
    assert.equal(isRunFolder(join(runsDir, 'not-a-run')), false);
    assert.deepEqual(listRunFolders(runsDir), [newer, older]);
    assert.deepEqual(listRunFolders(join(runsDir, 'missing')), []);
  });

  void it("the pickers list runs in a config's own runsDir next to the setting's", () => {
    const ws = mkdtempSync(join(tmpdir(), 'ws-'));
    mkdirSync(join(ws, 'examples'));
    // As every shipped example: its own runsDir, relative to the config.
    const example = join(ws, 'examples', 'fashion.scalenet.json');
    writeFileSync(example, '{ "name": "fashion", "runsDir": "../example-runs" }');
    const plain = join(ws, 'plain.scalenet.json');
    const ownRun = makeRun(join(ws, 'example-runs'), 'fashion-20260102-000000', 3_000_000);
    const settingRun = makeRun(join(ws, '.scalenet/runs'), 'plain-20260101-000000', 2_000_000);
    const folders = runsFolders({
      settingRunsDir: '',
      workspaceFolders: [ws],
      configs: [
        { path: example, text: '{ "name": "fashion", "runsDir": "../example-runs" }' },
        { path: plain, text: '{ "name": "plain" }' },
      ],
    });
    assert.deepEqual(pickerRunDirs(folders, 10), [ownRun, settingRun]);
    assert.deepEqual(pickerRunDirs(folders, 1), [ownRun], 'the newest first, at most max');
  });
});
