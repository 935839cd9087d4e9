/**
 * PNG charts of a report: Vega-Lite specs compiled and rendered to SVG by Vega (no
 * browser, no canvas), then rasterised by resvg. Text uses DejaVu Sans, found among
 * the system fonts (Debian: fonts-dejavu-core).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import type { TopLevelSpec } from 'vega-lite';
import { learningCurve } from './collect';
import { columnTitle, type ReportTables } from './tables';
import { mean } from './stats';

const FONT = 'DejaVu Sans';

/**
 * Vega and Vega-Lite are ES modules with a top-level await (vega-canvas probing for the
 * optional node-canvas), which a CommonJS bundle cannot inline: they stay outside the
 * bundle and load through import() on first use.
 */
async function loadVega() {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  return { vega, compile: vegaLite.compile };
}

export async function renderPng(spec: TopLevelSpec): Promise<Buffer> {
  const { vega, compile } = await loadVega();
  const withFont = {
    ...spec,
    config: { font: FONT, background: 'white', ...(spec.config ?? {}) },
  } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(withFont).spec), { renderer: 'none' });
  const svg = await view.toSVG(2);
  view.finalize();
  const png = new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: FONT },
    background: 'white',
  }).render();
  return png.asPng();
}

const slug = (s: string) =>
  s
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();

/** One bar chart per column: input modes side by side, a bar per method, ±1 std bars. */
export function barSpec(t: ReportTables, metric: string): TopLevelSpec {
  const values = t.rows.flatMap((row) => {
    const cell = t.cells.get(row)!.get(metric);
    return cell
      ? [
          {
            input: row.inputMode,
            method: row.method,
            mean: 100 * cell.mean,
            low: 100 * (cell.mean - cell.std),
            high: 100 * (cell.mean + cell.std),
          },
        ]
      : [];
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${columnTitle(metric)} (%), mean ± std over seeds`,
    width: 90 * new Set(values.map((v) => v.input)).size,
    height: 260,
    data: { values },
    encoding: {
      x: {
        field: 'input',
        type: 'nominal',
        title: 'input mode',
        sort: null,
        axis: { labelAngle: 0 },
      },
      xOffset: { field: 'method', type: 'nominal' },
    },
    layer: [
      {
        mark: 'bar',
        encoding: {
          y: { field: 'mean', type: 'quantitative', title: 'accuracy (%)' },
          color: { field: 'method', type: 'nominal', title: 'method' },
        },
      },
      {
        mark: { type: 'rule', color: 'black' },
        encoding: { y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } },
      },
    ],
  };
}

/** Held-out pretext accuracy per epoch (mean over seeds), a line per input mode. */
export function curveSpec(t: ReportTables, method: string): TopLevelSpec {
  const values: { epoch: number; input: string; accuracy: number }[] = [];
  for (const row of t.rows.filter((r) => r.method === method)) {
    const curves = row.runs.map((run) => learningCurve(run.runDir, 'pretext/accuracy'));
    const epochs = Math.min(...curves.map((c) => c.length));
    for (let e = 0; e < epochs; e++) {
      values.push({
        epoch: e + 1,
        input: row.inputMode,
        accuracy: 100 * mean(curves.map((c) => c[e].value)),
      });
    }
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${method}: held-out pretext accuracy per epoch (mean over seeds)`,
    width: 420,
    height: 260,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch (all stages)' },
      y: { field: 'accuracy', type: 'quantitative', title: 'accuracy (%)' },
      color: { field: 'input', type: 'nominal', title: 'input mode' },
    },
  };
}

/** Writes every chart; returns [title, file name] in report order. */
export async function writeCharts(t: ReportTables, outDir: string): Promise<[string, string][]> {
  const charts: [string, string][] = [];
  for (const metric of t.columns) {
    const file = `bars-${slug(metric)}.png`;
    writeFileSync(join(outDir, file), await renderPng(barSpec(t, metric)));
    charts.push([`${columnTitle(metric)} by input mode`, file]);
  }
  for (const method of [...new Set(t.rows.map((r) => r.method))]) {
    const file = `curves-${slug(method)}.png`;
    writeFileSync(join(outDir, file), await renderPng(curveSpec(t, method)));
    charts.push([`${method}: learning curves`, file]);
  }
  return charts;
}
