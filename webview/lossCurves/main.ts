/**
 * Loss curves: one chart per metric, every run shown overlaid, fed by the runs'
 * history (metrics.jsonl) and then live `run/progress` points from the host. Redraws
 * are batched into one animation frame however many points arrive.
 */
import 'uplot/dist/uPlot.min.css';
import '../shared/panel.css';
import {
  assertNever,
  type HostMessage,
  type LossCurvesState,
  type MetricPoint,
  type XAxis,
} from '../protocol';
import { onHostMessage, post, savedState, saveState } from '../shared/host';
import { button, checkbox, dropdown, el, slider, statusLine } from '../shared/ui';
import { MetricChart, type ChartRun } from './chart';
import { stackCanvases, toCsv } from './exportFiles';
import {
  addPoints,
  emptyRun,
  metricNames,
  metricTitle,
  runFromSeries,
  stageBoundaries,
  xValues,
  type RunData,
} from './runData';
import { debiasedEma, MAX_SMOOTHING } from './smoothing';

const FALLBACK_COLORS = ['#3794ff', '#f14c4c', '#89d185', '#cca700', '#b180d7', '#e07b39'];
const THEME_COLORS = ['blue', 'red', 'green', 'yellow', 'purple', 'orange'];

const saved = savedState();
const state: LossCurvesState =
  saved?.panel === 'lossCurves'
    ? saved.state
    : { smoothing: 0.6, xAxis: 'step', logScale: false, hiddenRuns: [], runDirs: [] };

const runs = new Map<string, RunData>();
const charts = new Map<string, MetricChart>();
/** Host send times of points not drawn yet (ms since 1970), for the latency report. */
let pendingSentAt: { sentAt: number; points: number } | undefined;
let frameRequested = false;
/** Metrics whose charts need new data at the next frame ('all': settings or stages changed). */
let dirty: Set<string> | 'all' = 'all';

const status = statusLine();
const legend = el('div', 'legend');
const chartsHost = el('div');

function colorOf(index: number): string {
  const theme = getComputedStyle(document.body)
    .getPropertyValue(`--vscode-charts-${THEME_COLORS[index % THEME_COLORS.length]}`)
    .trim();
  return /^#[0-9a-f]{6}$/i.test(theme) ? theme : FALLBACK_COLORS[index % FALLBACK_COLORS.length];
}

function persist(): void {
  saveState({ panel: 'lossCurves', state });
}

function render(): void {
  frameRequested = false;
  const due = dirty;
  dirty = new Set();
  const all = [...runs.values()];
  const visible = all.filter((r) => !state.hiddenRuns.includes(r.runId));
  renderLegend(all);
  const metrics = metricNames(all);
  status.set(
    all.length === 0
      ? 'Waiting for metrics: start a run, or open one that has finished an epoch.'
      : '',
  );
  for (const metric of metrics) {
    let chart = charts.get(metric);
    // A live point touches one or two metrics: the other charts keep what they drew.
    if (chart && due !== 'all' && !due.has(metric)) continue;
    if (!chart) {
      chart = new MetricChart(metric, metricTitle(metric));
      charts.set(metric, chart);
      chartsHost.append(chart.element);
      chart.onDrawn = reportDrawn;
    }
    const chartRuns: ChartRun[] = [];
    visible.forEach((run) => {
      const cols = run.metrics.get(metric);
      if (!cols || cols.value.length === 0) return;
      chartRuns.push({
        runId: run.runId,
        label: run.label,
        color: colorOf(all.indexOf(run)),
        x: xValues(run, cols, state.xAxis),
        raw: cols.value,
        smooth: debiasedEma(cols.value, state.smoothing),
        boundaries: stageBoundaries(run, state.xAxis),
      });
    });
    chart.update(chartRuns, { xAxis: state.xAxis, logScale: state.logScale });
  }
}

function reportDrawn(): void {
  if (!pendingSentAt) return;
  post({
    type: 'lossCurves/drawn',
    latencyMs: Date.now() - pendingSentAt.sentAt,
    points: pendingSentAt.points,
  });
  pendingSentAt = undefined;
}

function scheduleRender(metrics?: Iterable<string>): void {
  if (metrics && dirty !== 'all') for (const m of metrics) dirty.add(m);
  else dirty = 'all';
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(render);
}

function renderLegend(all: RunData[]): void {
  legend.replaceChildren(
    ...all.map((run, i) => {
      const item = el('button', 'legend-item');
      item.classList.toggle('hidden', state.hiddenRuns.includes(run.runId));
      item.setAttribute('aria-pressed', String(!state.hiddenRuns.includes(run.runId)));
      item.title = 'Show or hide this run';
      const swatch = el('span', 'swatch');
      swatch.style.background = colorOf(i);
      item.append(swatch, el('span', undefined, run.label));
      item.addEventListener('click', () => {
        state.hiddenRuns = state.hiddenRuns.includes(run.runId)
          ? state.hiddenRuns.filter((id) => id !== run.runId)
          : [...state.hiddenRuns, run.runId];
        persist();
        scheduleRender();
      });
      return item;
    }),
  );
}

function append(
  runId: string,
  label: string,
  points: MetricPoint[],
  message: Extract<HostMessage, { type: 'lossCurves/append' }>,
): void {
  let run = runs.get(runId);
  if (!run) runs.set(runId, (run = emptyRun(runId, label)));
  // A stage's first point moves every later x (and adds a mark): redraw all charts then.
  const newStage = message.stage !== undefined && !run.declared.has(message.stage.stage);
  addPoints(run, points, message.stage);
  pendingSentAt = {
    sentAt: pendingSentAt?.sentAt ?? message.sentAt,
    points: (pendingSentAt?.points ?? 0) + points.length,
  };
  scheduleRender(newStage ? undefined : points.map((p) => p.metric));
}

onHostMessage((message) => {
  switch (message.type) {
    case 'lossCurves/history':
      runs.clear();
      for (const series of message.runs) runs.set(series.runId, runFromSeries(series));
      if (message.state) Object.assign(state, message.state);
      scheduleRender();
      break;
    case 'lossCurves/append':
      append(message.runId, message.label, message.points, message);
      break;
    case 'notice':
      status.set(message.message, message.level === 'error');
      break;
    case 'harris/init':
    case 'harris/result':
    case 'harris/error':
    case 'attention/init':
    case 'attention/result':
    case 'attention/progress':
    case 'map/show':
      break; // other panels' messages
    default:
      assertNever(message);
  }
});

function exportCsv(): void {
  post({
    type: 'export',
    format: 'csv',
    fileName: 'scalenet-metrics.csv',
    data: toCsv([...runs.values()], state.smoothing),
  });
}

function exportPng(): void {
  const canvases = [...charts.values()].flatMap((c) => (c.canvas ? [c.canvas] : []));
  const background = getComputedStyle(document.body).backgroundColor || '#1e1e1e';
  post({
    type: 'export',
    format: 'png',
    fileName: 'scalenet-curves.png',
    data: stackCanvases(canvases, background),
  });
}

const toolbar = el('div', 'toolbar');
toolbar.append(
  slider(
    'Smoothing',
    { min: 0, max: MAX_SMOOTHING, step: 0.001, value: state.smoothing },
    (v) => {
      state.smoothing = v;
      persist();
      scheduleRender();
    },
    (v) => v.toFixed(3),
  ).element,
  dropdown<XAxis>(
    'x axis',
    [
      { value: 'step', label: 'Step' },
      { value: 'epoch', label: 'Epoch' },
      { value: 'time', label: 'Wall time' },
    ],
    state.xAxis,
    (v) => {
      state.xAxis = v;
      persist();
      scheduleRender();
    },
  ),
  checkbox('Log scale', state.logScale, (v) => {
    state.logScale = v;
    persist();
    scheduleRender();
  }).element,
  button('Export CSV', exportCsv, true),
  button('Export PNG', exportPng, true),
);
document.body.append(toolbar, legend, status.element, chartsHost);
window.addEventListener('resize', () => {
  for (const chart of charts.values()) chart.resize(chartsHost.clientWidth);
});
post({ type: 'ready', panel: 'lossCurves' });
