/**
 * "Compare Runs" as the paper's Table 3: one row per method [scales] and input mode,
 * each accuracy the mean ± sample standard deviation over the row's seeds (in percent).
 * No `vscode` import: unit-tested under plain Node.
 */
import type { RunInfo } from '../../sidecar/protocol/index';
import { finetuneBudgets, methodLabel } from './runPresentation';

/** `72.00 ± 2.00` (sample std), `50.00` for one value, `—` for none. */
export function meanStd(values: number[]): string {
  if (values.length === 0) return '—';
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length === 1) return (mean * 100).toFixed(2);
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1);
  return `${(mean * 100).toFixed(2)} ± ${(Math.sqrt(variance) * 100).toFixed(2)}`;
}

/** The best block's linear-probe accuracy per label budget: `linear@N/<block>/accuracy`. */
function linearBest(metrics: Record<string, number>): Map<number, number> {
  const best = new Map<number, number>();
  for (const [key, value] of Object.entries(metrics)) {
    const budget = /^linear@(\d+)\/[^/]+\/accuracy$/.exec(key)?.[1];
    if (budget === undefined) continue;
    const n = Number(budget);
    best.set(n, Math.max(best.get(n) ?? -Infinity, value));
  }
  return best;
}

interface Column {
  title: string;
  value(run: RunInfo): number | undefined;
}

export function comparisonMarkdown(runs: RunInfo[]): string {
  const finetune = [...new Set(runs.flatMap((r) => finetuneBudgets(r.metrics)))].sort(
    (a, b) => a - b,
  );
  const linear = [...new Set(runs.flatMap((r) => [...linearBest(r.metrics).keys()]))].sort(
    (a, b) => a - b,
  );
  const columns: Column[] = [
    { title: 'Pretext acc.', value: (r) => r.metrics['pretext/accuracy'] },
    { title: 'kNN', value: (r) => r.metrics['knn/accuracy'] },
    ...finetune.map((n) => ({
      title: `Fine-tune @${n}`,
      value: (r: RunInfo) => r.metrics[`finetune@${n}/accuracy`],
    })),
    ...linear.map((n) => ({
      title: `Linear @${n} (best block)`,
      value: (r: RunInfo) => linearBest(r.metrics).get(n),
    })),
  ];
  const groups = new Map<string, RunInfo[]>();
  for (const run of runs) {
    const key = `${methodLabel(run)}\u0000${run.inputMode}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  const header = ['Method [scales]', 'Input', 'Seeds', ...columns.map((c) => c.title)];
  const rows = [...groups.values()].map((group) => [
    methodLabel(group[0]),
    group[0].inputMode,
    group
      .map((r) => r.seed)
      .sort((a, b) => a - b)
      .join(', '),
    ...columns.map((c) =>
      meanStd(group.map((r) => c.value(r)).filter((v): v is number => typeof v === 'number')),
    ),
  ]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    '# ScaleNet: run comparison',
    '',
    'Accuracies in percent, mean ± sample standard deviation over the seeds of each row.',
    '',
    line(header),
    line(header.map((_, i) => (i < 3 ? '---' : '---:'))),
    ...rows.map(line),
    '',
    '## Runs',
    '',
    ...runs.map((r) => `- ${r.name} (seed ${r.seed}): \`${r.runDir}\``),
    '',
  ].join('\n');
}
