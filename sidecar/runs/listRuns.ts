/** Reads the run folders of a runs folder into the plain RunInfo the clients show. */
import { join } from 'node:path';
import type { RunInfo } from '../protocol';
import { listRuns, readRunConfig, readSummary } from './runStore';
import { isProcessAlive } from '../protocol/runStore';

export function describeRuns(runsDir: string): RunInfo[] {
  const runs: RunInfo[] = [];
  for (const runDir of listRuns(runsDir)) {
    try {
      const config = readRunConfig(runDir);
      const summary = readSummary(runDir);
      runs.push({
        runId: summary?.runId ?? runDir.split('/').pop()!,
        runDir,
        name: config.name,
        status:
          summary?.status === 'running' && !isProcessAlive(summary.pid)
            ? 'interrupted'
            : (summary?.status ?? 'unknown'),
        method: config.method,
        scales: config.pretext.scales,
        inputMode: config.data.inputMode,
        seed: config.seed,
        startedAt: summary?.startedAt,
        updatedAt: summary?.updatedAt,
        metrics: summary?.metrics ?? {},
        latestCheckpoint: summary?.latestCheckpoint
          ? join(runDir, summary.latestCheckpoint)
          : undefined,
        lineage: summary?.lineage,
        sources: summary?.sources,
      });
    } catch {
      // A folder being created right now, or not a run: leave it out of the list.
    }
  }
  return runs;
}
