/**
 * Exports of the loss-curve panel: every point as CSV (raw and smoothed as drawn, with
 * the step, epoch and training-time x positions and the clock time), and all charts stacked into one PNG. The webview cannot write
 * files, so both go to the host as text / base64, which asks where to save them.
 */
import type { XAxis } from '../protocol';
import { smoothSeries } from './smoothing';
import { xValues, type RunData } from './runData';

export function toCsv(runs: RunData[], smoothing: number): string {
  const lines = [
    'run,metric,stage,step,epoch,global_step,global_epoch,training_seconds,time,value,smoothed',
  ];
  const axes: XAxis[] = ['step', 'epoch', 'time'];
  for (const run of runs) {
    for (const [metric, cols] of run.metrics) {
      const [gs, ge, secs] = axes.map((a) => xValues(run, cols, a));
      const smooth = smoothSeries(metric, cols.value, smoothing).line;
      for (let i = 0; i < cols.value.length; i++) {
        const fields = [
          JSON.stringify(run.label),
          JSON.stringify(metric),
          cols.stage[i] + 1,
          cols.step[i],
          cols.epoch[i],
          gs[i],
          ge[i],
          secs[i].toFixed(3),
          new Date(cols.time[i]).toISOString(),
          cols.value[i],
          smooth[i],
        ];
        lines.push(fields.join(','));
      }
    }
  }
  return lines.join('\n') + '\n';
}

/** The canvases stacked vertically on the editor background, as PNG base64. */
export function stackCanvases(canvases: HTMLCanvasElement[], background: string): string {
  const width = Math.max(1, ...canvases.map((c) => c.width));
  const height = Math.max(
    1,
    canvases.reduce((h, c) => h + c.height, 0),
  );
  const out = document.createElement('canvas');
  out.width = width;
  out.height = height;
  const ctx = out.getContext('2d');
  if (!ctx) return '';
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, width, height);
  let y = 0;
  for (const c of canvases) {
    ctx.drawImage(c, 0, y);
    y += c.height;
  }
  return out.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
}
