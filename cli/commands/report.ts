/**
 * `scalenet report SWEEP_DIR`: a self-contained folder (default <sweepDir>/report) with
 * report.md, report.json (every number in the tables) and PNG charts, from the sweep's
 * completed runs. The layout is the paper's Table 3: rows method × input mode, columns
 * pretext accuracy and the downstream accuracies by label budget.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { writeCharts } from '../report/charts';
import { collectRuns, groupRows } from '../report/collect';
import { buildTables, markdownTables, type ReportTables } from '../report/tables';
import { readManifest, resolveSweepDir } from '../sweep/sweepFolder';

export interface ReportOptions {
  out?: string;
  /** Skip the PNGs (e.g. where the renderer is missing). */
  charts?: boolean;
}

export function reportJson(t: ReportTables): unknown {
  return {
    columns: t.columns,
    rows: t.rows.map((row) => ({
      method: row.method,
      inputMode: row.inputMode,
      runs: row.runs.map((r) => ({ variant: r.variant, seed: r.seed, runDir: r.runDir })),
      cells: Object.fromEntries(
        [...t.cells.get(row)!].map(([c, cell]) => [
          c,
          { mean: cell.mean, std: cell.std, n: cell.n },
        ]),
      ),
    })),
    baseline: t.baselineMethod,
    differences: t.compared.map((c) => ({
      method: c.row.method,
      inputMode: c.row.inputMode,
      baseline: c.baseline.method,
      byColumn: Object.fromEntries([...c.differences].filter(([, d]) => d)),
    })),
  };
}

export async function reportCommand(target: string, options: ReportOptions): Promise<number> {
  const sweepDir = resolveSweepDir(target);
  const manifest = readManifest(sweepDir);
  const runs = collectRuns(sweepDir, manifest);
  if (runs.length === 0) {
    console.error(`${sweepDir}: no completed runs yet. See: scalenet sweep status ${sweepDir}`);
    return 1;
  }
  const outDir = resolve(options.out ?? join(sweepDir, 'report'));
  mkdirSync(outDir, { recursive: true });
  const tables = buildTables(groupRows(runs), manifest.baseline);
  const charts = options.charts === false ? [] : await writeCharts(tables, outDir);
  const md = [
    `# ${manifest.name}`,
    '',
    `${runs.length} completed runs of ${manifest.variants.length} variants (sweep file \`${manifest.sweepFile.split('/').pop()}\`), generated ${new Date().toISOString().slice(0, 16)}Z by \`scalenet report\`.`,
    '',
    markdownTables(tables),
    ...(charts.length > 0
      ? ['## Charts', '', ...charts.map(([title, file]) => `![${title}](${file})\n`)]
      : []),
    '## Runs',
    '',
    ...runs.map((r) => `- ${r.variant}: \`${relative(outDir, r.runDir)}\``),
    '',
  ].join('\n');
  writeFileSync(join(outDir, 'report.md'), md);
  writeFileSync(join(outDir, 'report.json'), JSON.stringify(reportJson(tables), null, 2) + '\n');
  console.log(`Report of ${runs.length} runs: ${join(outDir, 'report.md')}`);
  return 0;
}
