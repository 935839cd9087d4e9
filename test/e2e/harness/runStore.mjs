/** Reading the run folders a test's runs leave under the workspace (sidecar/runs/runStore.ts). */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The run folders of config `name` under `<workspace>/.scalenet/runs`, oldest first. */
export function runFolders(workspace, name) {
  const runsDir = join(workspace, '.scalenet', 'runs');
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir)
    .filter((entry) => entry.startsWith(`${name}-`))
    .map((entry) => join(runsDir, entry))
    .filter((dir) => statSync(dir).isDirectory())
    .sort();
}

/** summary.json of a run folder, or undefined while it is not written yet. */
export function readSummary(runDir) {
  try {
    return JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Lines of metrics.jsonl as objects. */
export function readMetrics(runDir) {
  const file = join(runDir, 'metrics.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}
