/**
 * One metric's chart (uPlot: canvas, no eval, draws 100,000-point series in a few ms).
 * Per run two series: the raw values faint behind, the smoothed line on top; dashed
 * lines where stages begin; a read-out of the values under the cursor. Runs that do not
 * share x positions are merged with uPlot.join (gaps spanned), as uPlot wants one x.
 */
import uPlot from 'uplot';
import type { XAxis } from '../protocol';
import { el } from '../shared/ui';

export interface ChartRun {
  runId: string;
  label: string;
  color: string;
  x: Float64Array;
  raw: ArrayLike<number>;
  /** The bold line: the smoothed values, or the values themselves when `smoothed` is false. */
  smooth: Float64Array;
  /** False for schedules and sparse series (smoothSeries): no faint raw line then. */
  smoothed: boolean;
  boundaries: { x: number; label: string }[];
}

export interface ChartOptions {
  xAxis: XAxis;
  logScale: boolean;
}

const AXIS_LABEL: Record<XAxis, string> = {
  step: 'step',
  epoch: 'epoch',
  time: 'seconds of training',
  wallTime: 'clock time',
};

/** The read-out's x: clock time as the locale writes it, the others as numbers. */
function formatX(axis: XAxis, x: number): string {
  return axis === 'wallTime' ? new Date(x * 1000).toLocaleString() : Number(x).toPrecision(5);
}

function themeColor(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

/** `#rrggbb` at `alpha`, for the faint raw lines. */
function faint(color: string, alpha: number): string {
  const n = parseInt(color.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

function sameX(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * One x for all runs: the union of their (increasing) x values by a linear merge, each
 * run's values placed where its x is and null elsewhere (uPlot spans the gaps).
 * uPlot.join does the same with a Set and a sort, several times slower at 100,000 points.
 */
export function alignedData(runs: ChartRun[]): uPlot.AlignedData {
  if (runs.length === 0) return [[]];
  if (runs.every((r) => sameX(r.x, runs[0].x))) {
    return [runs[0].x, ...runs.flatMap((r) => [Float64Array.from(r.raw), r.smooth])];
  }
  const cursor = runs.map(() => 0);
  const xs: number[] = [];
  const ys = runs.flatMap(() => [[] as (number | null)[], [] as (number | null)[]]);
  for (;;) {
    let next = Infinity;
    runs.forEach((r, k) => {
      if (cursor[k] < r.x.length && r.x[cursor[k]] < next) next = r.x[cursor[k]];
    });
    if (next === Infinity) break;
    xs.push(next);
    runs.forEach((r, k) => {
      const at = cursor[k] < r.x.length && r.x[cursor[k]] === next;
      ys[2 * k].push(at ? r.raw[cursor[k]] : null);
      ys[2 * k + 1].push(at ? r.smooth[cursor[k]] : null);
      if (at) cursor[k]++;
    });
  }
  return [xs, ...ys];
}

export class MetricChart {
  readonly element: HTMLElement;
  private readonly plotHost: HTMLElement;
  private readonly readout: HTMLElement;
  private plot: uPlot | undefined;
  private shape = '';
  private runs: ChartRun[] = [];
  private xAxis: XAxis = 'step';
  /** Called after every redraw (for measuring progress → pixels). */
  onDrawn: (() => void) | undefined;

  constructor(
    readonly metric: string,
    title: string,
  ) {
    this.element = el('section', 'chart');
    this.element.dataset.metric = metric;
    this.plotHost = el('div');
    this.readout = el('div', 'readout');
    this.readout.setAttribute('aria-live', 'off');
    this.element.append(el('h3', undefined, title), this.plotHost, this.readout);
  }

  get canvas(): HTMLCanvasElement | undefined {
    return this.plot?.ctx.canvas;
  }

  update(runs: ChartRun[], options: ChartOptions): void {
    this.runs = runs;
    this.element.dataset.series = String(runs.length);
    const data = alignedData(runs);
    const shape = JSON.stringify([options, runs.map((r) => [r.runId, r.color, r.smoothed])]);
    if (this.plot && shape === this.shape) {
      this.plot.setData(data);
      return;
    }
    this.plot?.destroy();
    this.shape = shape;
    this.xAxis = options.xAxis;
    this.plot = new uPlot(this.plotOptions(options), data, this.plotHost);
  }

  resize(width: number): void {
    this.plot?.setSize({ width, height: this.plot.height });
  }

  destroy(): void {
    this.plot?.destroy();
  }

  private plotOptions(options: ChartOptions): uPlot.Options {
    const fg = themeColor('--vscode-foreground', '#cccccc');
    const gridColor = themeColor('--vscode-editorWidget-border', '#80808040');
    const axis = (label?: string): uPlot.Axis => ({
      stroke: fg,
      label,
      grid: { stroke: gridColor, width: 1 },
      ticks: { stroke: gridColor, width: 1 },
    });
    const series: uPlot.Series[] = [{ label: AXIS_LABEL[options.xAxis] }];
    for (const r of this.runs) {
      series.push(
        {
          label: `${r.label} (raw)`,
          // Unsmoothed, the bold line is the raw one: drawing it twice says nothing.
          show: r.smoothed,
          stroke: faint(r.color, 0.25),
          width: 1,
          spanGaps: true,
          points: { show: false },
        },
        {
          label: r.label,
          stroke: r.color,
          width: 1.5,
          spanGaps: true,
          // A run opened after it ended has one point per epoch: show them, or one epoch is nothing.
          points: { show: (_u, _i, i0, i1) => i1 - i0 < 64, size: 5, fill: r.color },
        },
      );
    }
    return {
      width: Math.max(320, this.plotHost.clientWidth || this.element.clientWidth || 640),
      height: 240,
      series,
      scales: {
        x: { time: options.xAxis === 'wallTime' },
        y: options.logScale ? { distr: 3 } : {},
      },
      axes: [axis(AXIS_LABEL[options.xAxis]), axis()],
      legend: { show: false },
      cursor: { drag: { x: true, y: false } },
      hooks: {
        draw: [(u) => this.drawBoundaries(u, fg)],
        setCursor: [(u) => this.showReadout(u)],
      },
    };
  }

  private drawBoundaries(u: uPlot, color: string): void {
    const { ctx } = u;
    // Runs of one chain share boundaries: one mark per x, the most telling label.
    const marks = new Map<number, string>();
    for (const run of this.runs) {
      for (const b of run.boundaries) {
        const known = marks.get(b.x);
        if (!known || b.label.length > known.length) marks.set(b.x, b.label);
      }
    }
    ctx.save();
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    ctx.globalAlpha = 0.6;
    ctx.setLineDash([4, 4]);
    ctx.font = `${11 * devicePixelRatio}px sans-serif`;
    for (const [value, label] of marks) {
      const x = Math.round(u.valToPos(value, 'x', true));
      if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
      // The line is faint, its label is not: at 0.6 alpha --vscode-foreground falls under
      // 4.5:1 on Light Modern's white (3.5:1).
      ctx.globalAlpha = 1;
      ctx.fillText(label, x + 4, u.bbox.top + 12 * devicePixelRatio);
      ctx.globalAlpha = 0.6;
    }
    ctx.restore();
    this.onDrawn?.();
  }

  private showReadout(u: uPlot): void {
    const i = u.cursor.idx;
    if (i == null) {
      this.readout.textContent = '';
      return;
    }
    const x = u.data[0][i];
    // The value first (what was logged), the smoothed line's value after it.
    const parts = this.runs.map((r, k) => {
      const raw = u.data[1 + 2 * k][i];
      const smooth = u.data[2 + 2 * k][i];
      const f = (v: number | null | undefined) => (v == null ? '–' : Number(v).toPrecision(4));
      return r.smoothed && raw != null
        ? `${r.label}: ${f(raw)} (smoothed ${f(smooth)})`
        : `${r.label}: ${f(raw)}`;
    });
    this.readout.textContent = `${AXIS_LABEL[this.xAxis]} ${formatX(this.xAxis, Number(x))} · ${parts.join(' · ')}`;
  }
}
