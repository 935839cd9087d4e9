/**
 * `scalenet runs` lists the run folders; `scalenet compare` groups runs like the paper's
 * Table 3 (method and scale chain × input mode) with mean ± std over seeds of the
 * pretext accuracy and every downstream accuracy the runs recorded.
 */
import { resolve } from 'node:path';
import { RunsListRequest, type RunInfo } from '../../sidecar/protocol';
import { openSession } from '../sidecarSession';
import { formatTable, meanStd } from '../table';

/** The run store's default folder, relative to where the command runs. */
export { DEFAULT_RUNS_DIR } from '../../sidecar/protocol/runStore';

async function fetchRuns(runsDir: string): Promise<RunInfo[]> {
  const session = await openSession({});
  try {
    return await session.connection.sendRequest(RunsListRequest.type, {
      runsDir: resolve(runsDir),
    });
  } finally {
    await session.close();
  }
}

const percent = (v: number | undefined) => (v === undefined ? '—' : (100 * v).toFixed(2));

export async function runsCommand(options: { runsDir: string }): Promise<number> {
  const runs = await fetchRuns(options.runsDir);
  if (runs.length === 0) {
    console.log(`No runs in ${resolve(options.runsDir)}.`);
    return 0;
  }
  const rows = runs.map((r) => [
    r.runId,
    r.status,
    r.method,
    `[${r.scales.join(', ')}]`,
    r.inputMode,
    String(r.seed),
    percent(r.metrics['pretext/accuracy']),
  ]);
  console.log(
    formatTable(['run', 'status', 'method', 'scales', 'input', 'seed', 'pretext acc %'], rows),
  );
  return 0;
}

/** Downstream accuracies: fine-tune / linear / kNN metric names ending in "accuracy". */
export function downstreamMetrics(runs: RunInfo[]): string[] {
  const names = new Set<string>();
  for (const run of runs) {
    for (const key of Object.keys(run.metrics)) {
      if (/^(finetune|linear|knn)/.test(key) && key.endsWith('accuracy')) names.add(key);
    }
  }
  return [...names].sort();
}

export function comparisonTable(runs: RunInfo[]): string {
  const groups = new Map<string, RunInfo[]>();
  for (const run of runs) {
    const key = `${run.method} [${run.scales.join(', ')}]\u0000${run.inputMode}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  const downstream = downstreamMetrics(runs);
  const rows = [...groups.entries()].map(([key, members]) => {
    const [method, input] = key.split('\u0000');
    const column = (metric: string) =>
      meanStd(members.map((m) => m.metrics[metric]).filter((v): v is number => v !== undefined));
    return [method, input, column('pretext/accuracy'), ...downstream.map(column)];
  });
  return formatTable(
    ['method', 'input', 'pretext acc %', ...downstream.map((m) => `${m} %`)],
    rows,
  );
}

export async function compareCommand(
  selected: string[],
  options: { runsDir: string },
): Promise<number> {
  const all = await fetchRuns(options.runsDir);
  const wanted = selected.map((s) => resolve(s));
  const runs =
    selected.length === 0
      ? all
      : all.filter((r) => wanted.includes(r.runDir) || selected.includes(r.runId));
  const completed = runs.filter((r) => r.status === 'completed');
  if (completed.length === 0) {
    console.error('No completed runs to compare. List them with: scalenet runs');
    return 1;
  }
  console.log(comparisonTable(completed));
  return 0;
}
