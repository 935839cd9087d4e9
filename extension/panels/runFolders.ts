/**
 * Runs for the panels, asked of the sidecar (`runs/list`, `runs/history`, `runs/stages`)
 * over the workspace's runs folders (extension/runs/workspaceRuns.ts). Nothing here
 * parses a run file or knows a model's layers: the run store's contract is
 * sidecar/protocol/runStore.ts, and the sidecar answers for it.
 */
import {
  GradcamModelsRequest,
  RunsHistoryRequest,
  RunsListRequest,
  RunsStagesRequest,
} from '../../sidecar/protocol';
import { isRunFolder } from '../../sidecar/protocol/runStore';
import type { AttentionRun, MetricPoint, RunSeries } from '../../webview/protocol';
import type { SidecarClient } from '../supervisor/client';
import { findRunsFolders } from '../runs/workspaceRuns';
import { basename } from 'node:path';

export { workspaceRunDirs } from '../runs/workspaceRuns';

/** Whether a path a menu passed is a run folder. */
export const isRunDir = isRunFolder;

/** A run's metrics.jsonl as chart points, read by the sidecar. */
export async function readHistory(client: SidecarClient, runDir: string): Promise<RunSeries> {
  const history = await client.request(RunsHistoryRequest.type, { runDir });
  const points: MetricPoint[] = history.records.map((m) => ({
    stage: m.stage,
    step: m.step,
    epoch: m.epoch,
    metric: m.metric,
    value: m.value,
    time: Date.parse(m.time),
  }));
  // Steps 0: the chart learns each stage's length from its points.
  const stages = history.scales.map((scale, stage) => ({ stage, scale, steps: 0, epochs: 0 }));
  return { runId: history.runId, label: basename(runDir), points, stages };
}

/**
 * Every run of the workspace with a checkpoint, with the stages Grad-CAM can explain and
 * the fine-tuned classifiers it kept.
 */
export async function attentionRuns(client: SidecarClient): Promise<AttentionRun[]> {
  const runs: AttentionRun[] = [];
  for (const folder of await findRunsFolders()) {
    const listed = await client.request(RunsListRequest.type, { runsDir: folder.runsDir });
    for (const run of listed.filter((r) => r.latestCheckpoint)) {
      runs.push({
        runDir: run.runDir,
        label: `${run.name} (${run.method}, ${run.scales.join('→')})`,
        ...(await client.request(RunsStagesRequest.type, { runDir: run.runDir })),
        // The classifiers it kept, so the panel offers "why cat" beside "why 90°".
        classifiers: (await client.request(GradcamModelsRequest.type, { runDir: run.runDir }))
          .classifiers,
      });
    }
  }
  return runs;
}
