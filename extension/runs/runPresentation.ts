/**
 * How a run from `runs/list` reads in the runs view and the pickers: one line of
 * method, scales, input and headline metrics, a status icon, a tooltip with the rest.
 * No `vscode` import: unit-tested under plain Node.
 */
import type { RunInfo } from '../../sidecar/protocol/index';
import { lineageDescription, lineageLines, sourcesLines } from './lineagePresentation';

export interface RunPresentation {
  label: string;
  description: string;
  tooltip: string;
  /** A codicon id and the theme colour it is drawn in. */
  icon: { id: string; color?: string };
  /** For `viewItem` menu clauses: `scalenetRun status:<status>` plus ` resumable`/` running`. */
  contextValue: string;
}

const STATUS_ICONS: Record<RunInfo['status'], { id: string; color?: string }> = {
  completed: { id: 'pass', color: 'testing.iconPassed' },
  running: { id: 'sync~spin' },
  stopped: { id: 'debug-pause', color: 'charts.yellow' },
  interrupted: { id: 'warning', color: 'list.warningForeground' },
  failed: { id: 'error', color: 'list.errorForeground' },
  unknown: { id: 'question' },
};

/** Runs that "ScaleNet: Resume Run" can continue. */
export function isResumable(run: RunInfo): boolean {
  return (
    ['stopped', 'interrupted', 'failed'].includes(run.status) && run.latestCheckpoint !== undefined
  );
}

export function methodLabel(run: Pick<RunInfo, 'method' | 'scales'>): string {
  return `${run.method} [${run.scales.join(', ')}]`;
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

/** The label budgets with a fine-tune accuracy, ascending. */
export function finetuneBudgets(metrics: Record<string, number>): number[] {
  return Object.keys(metrics)
    .map((k) => /^finetune@(\d+)\/accuracy$/.exec(k)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/** Pretext accuracy, kNN, and fine-tune accuracy per label budget: what a run is judged by. */
export function headlineMetrics(metrics: Record<string, number>): string[] {
  const parts: string[] = [];
  const pretext = metrics['pretext/accuracy'];
  if (typeof pretext === 'number') parts.push(`pretext ${percent(pretext)}`);
  const knn = metrics['knn/accuracy'];
  if (typeof knn === 'number') parts.push(`kNN ${percent(knn)}`);
  for (const n of finetuneBudgets(metrics)) {
    parts.push(`ft@${n} ${percent(metrics[`finetune@${n}/accuracy`])}`);
  }
  return parts;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * "Nov 1 12:00" in local time: runs of one config share a name, so the start time is
 * what tells them apart in the view and the pickers.
 */
export function startedLabel(iso: string | undefined): string | undefined {
  const date = iso ? new Date(iso) : undefined;
  if (!date || Number.isNaN(date.getTime())) return undefined;
  const hh = String(date.getHours()).padStart(2, '0');
  const mm = String(date.getMinutes()).padStart(2, '0');
  return `${MONTHS[date.getMonth()]} ${date.getDate()} ${hh}:${mm}`;
}

export function presentRun(run: RunInfo): RunPresentation {
  const resumable = isResumable(run);
  const started = startedLabel(run.startedAt);
  const description = [
    ...(started ? [started] : []),
    `${methodLabel(run)} · ${run.inputMode}`,
    ...headlineMetrics(run.metrics),
    ...lineageDescription(run.lineage),
  ]
    .join(' · ')
    .trim();
  const metricLines = Object.keys(run.metrics)
    .sort()
    .map((k) => `${k}: ${formatMetric(k, run.metrics[k])}`);
  const tooltip = [
    `${run.name} — ${run.status}`,
    `${methodLabel(run)} · input ${run.inputMode} · seed ${run.seed}`,
    run.startedAt ? `started ${run.startedAt}` : '',
    run.updatedAt ? `updated ${run.updatedAt}` : '',
    run.runDir,
    ...lineageLines(run.lineage),
    ...sourcesLines(run.sources),
    resumable ? 'Can resume from its last checkpoint.' : '',
    metricLines.length > 0 ? `\n${metricLines.join('\n')}` : '',
  ]
    .filter((l) => l !== '')
    .join('\n');
  return {
    label: run.name,
    description,
    tooltip,
    icon: STATUS_ICONS[run.status] ?? STATUS_ICONS.unknown,
    contextValue: `scalenetRun status:${run.status}${resumable ? ' resumable' : ''}`,
  };
}

function formatMetric(key: string, value: number): string {
  return /accuracy/i.test(key) ? percent(value) : String(Number(value.toPrecision(4)));
}
