/** Reading the run folders a test's runs leave under the workspace (sidecar/runs/runStore.ts). */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The run folders of config `name` under `<workspace>/.scalenet/runs`, oldest first.
 * @param {string} workspace
 * @param {string} name
 */
export function runFolders(workspace, name) {
  const runsDir = join(workspace, '.scalenet', 'runs');
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir)
    .filter((entry) => entry.startsWith(`${name}-`))
    .map((entry) => join(runsDir, entry))
    .filter((dir) => statSync(dir).isDirectory())
    .sort();
}

/**
 * What the tests read of summary.json (sidecar/runs/runStore.ts: RunSummary).
 * @typedef {{ status: string, metrics: Record<string, number>, latestCheckpoint?: string, [key: string]: unknown }} Summary
 */

/**
 * summary.json of a run folder, or undefined while it is not written yet.
 * @param {string} runDir
 * @returns {Summary | undefined}
 */
export function readSummary(runDir) {
  try {
    /** @type {unknown} JSON.parse's any, read as a Summary */
    const parsed = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));
    return /** @type {Summary} */ (parsed);
  } catch {
    return undefined;
  }
}

/**
 * One line of metrics.jsonl (sidecar/runs/runStore.ts: MetricRecord).
 * @typedef {{ run: string, stage: number, epoch: number, step: number, metric: string, value: number, time: string }} MetricLine
 */

/**
 * Lines of metrics.jsonl as objects.
 * @param {string} runDir
 * @returns {MetricLine[]}
 */
export function readMetrics(runDir) {
  const file = join(runDir, 'metrics.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      /** @type {unknown} JSON.parse's any, read as a MetricLine */
      const parsed = JSON.parse(line);
      return /** @type {MetricLine} */ (parsed);
    });
}
