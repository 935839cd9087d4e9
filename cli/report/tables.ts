/**
 * The numbers of a report: per row and column mean ± std (n) in accuracy points, and
 * every non-baseline row's difference to the baseline row of the same input mode.
 */
import type { SweepValue } from '../../sidecar/protocol/sweep';
import { isBaseline, metricColumns, type ReportRow, type ReportRun } from './collect';
import { difference, mean, sampleStd, verdict, type Difference } from './stats';

export interface Cell {
  mean: number;
  std: number;
  n: number;
  /** seed → value, for pairing. */
  bySeed: Map<number, number>;
}

export interface ComparedRow {
  row: ReportRow;
  baseline: ReportRow;
  differences: Map<string, Difference | undefined>;
}

export interface ReportTables {
  columns: string[];
  rows: ReportRow[];
  cells: Map<ReportRow, Map<string, Cell>>;
  baselineMethod?: string;
  compared: ComparedRow[];
}

export function cellOf(runs: ReportRun[], metric: string): Cell | undefined {
  const bySeed = new Map<number, number>();
  for (const run of runs) {
    const v = run.metrics[metric];
    if (v !== undefined) bySeed.set(run.seed, v);
  }
  if (bySeed.size === 0) return undefined;
  const values = [...bySeed.values()];
  return { mean: mean(values), std: sampleStd(values), n: values.length, bySeed };
}

export function buildTables(
  rows: ReportRow[],
  baseline: Record<string, SweepValue> | undefined,
): ReportTables {
  const columns = metricColumns(rows.flatMap((r) => r.runs));
  const cells = new Map(
    rows.map((row) => [
      row,
      new Map(
        columns.flatMap((c) => {
          const cell = cellOf(row.runs, c);
          return cell ? [[c, cell] as const] : [];
        }),
      ),
    ]),
  );
  const isBase = (row: ReportRow) =>
    baseline !== undefined && row.runs.every((run) => isBaseline(run, baseline));
  const baseRows = rows.filter(isBase);
  const compared: ComparedRow[] = [];
  for (const row of rows) {
    if (isBase(row)) continue;
    const base = baseRows.find((b) => b.inputMode === row.inputMode);
    if (!base) continue;
    const differences = new Map(
      columns.map((c) => {
        const a = cells.get(row)!.get(c);
        const b = cells.get(base)!.get(c);
        return [c, a && b ? difference(a.bySeed, b.bySeed) : undefined] as const;
      }),
    );
    compared.push({ row, baseline: base, differences });
  }
  return { columns, rows, cells, baselineMethod: baseRows[0]?.method, compared };
}

const points = (v: number, digits = 1) => (100 * v).toFixed(digits);

export function columnTitle(metric: string): string {
  if (metric === 'pretext/accuracy') return 'pretext acc';
  const ft = /^finetune@(\d+)\/accuracy$/.exec(metric);
  if (ft) return `fine-tune ${ft[1]} labels`;
  const lin = /^linear@(\d+)\/(.+)\/accuracy$/.exec(metric);
  if (lin) return `linear ${lin[2]} ${lin[1]} labels`;
  const knn = /^knn(?:@(\d+))?\/accuracy$/.exec(metric);
  if (knn) return knn[1] ? `kNN ${knn[1]} labels` : 'kNN';
  return metric;
}

export function cellText(cell: Cell | undefined): string {
  return cell ? `${points(cell.mean)} ± ${points(cell.std)} (${cell.n})` : '—';
}

const mdRow = (cells: string[]) => `| ${cells.join(' | ')} |`;

export function markdownTables(t: ReportTables): string {
  const lines = [
    '## Accuracy (%), mean ± std over seeds (n)',
    '',
    mdRow(['method', 'input', ...t.columns.map(columnTitle)]),
    mdRow(['---', '---', ...t.columns.map(() => '---:')]),
    ...t.rows.map((row) =>
      mdRow([
        row.method,
        row.inputMode,
        ...t.columns.map((c) => cellText(t.cells.get(row)!.get(c))),
      ]),
    ),
    '',
  ];
  if (t.compared.length === 0) {
    lines.push('No baseline rows to compare with (set "baseline" in the sweep file).', '');
    return lines.join('\n');
  }
  lines.push(
    `## Difference to ${t.baselineMethod} (points), 95% CI`,
    '',
    'Paired by seed where both rows ran the same seeds (Student t, n − 1 df); otherwise Welch.',
    '',
    mdRow(['method', 'input', ...t.columns.map(columnTitle)]),
    mdRow(['---', '---', ...t.columns.map(() => '---:')]),
  );
  for (const c of t.compared) {
    lines.push(
      mdRow([
        c.row.method,
        c.row.inputMode,
        ...t.columns.map((col) => {
          const d = c.differences.get(col);
          return d
            ? `${d.estimate >= 0 ? '+' : ''}${points(d.estimate)} [${points(d.low)}, ${points(d.high)}]`
            : '—';
        }),
      ]),
    );
  }
  lines.push('', '## In words', '');
  for (const c of t.compared) {
    for (const col of t.columns) {
      lines.push(
        `- ${verdict(`${c.row.method} (${c.row.inputMode})`, c.baseline.method, c.differences.get(col), columnTitle(col))}`,
      );
    }
  }
  lines.push('');
  return lines.join('\n');
}
