/**
 * Attention maps: pick runs, images (dataset indices or PNG files), stages, method and
 * target; the host asks the sidecar (`gradcam/compute`) once per run and answers with
 * one row per run. The opacity slider only restyles the heatmaps already drawn.
 */
import '../shared/panel.css';
import type { GradcamMethod, GradcamTarget } from '../../sidecar/protocol';
import {
  assertNever,
  type AttentionMapsState,
  type AttentionRow,
  type AttentionRun,
} from '../protocol';
import { onHostMessage, post, savedState, saveState } from '../shared/host';
import { button, checkbox, dropdown, el, slider, statusLine, textField } from '../shared/ui';
import { gridPng, renderGrids } from './grid';

const saved = savedState();
const state: AttentionMapsState =
  saved?.panel === 'attentionMaps'
    ? saved.state
    : { selectedRuns: [], stages: [], method: 'gradcam', indices: '0,1,2,3', opacity: 0.5 };
let runs: AttentionRun[] = [];
let target: GradcamTarget = { kind: 'predicted' };
let files: { names: string[]; images: string[] } = { names: [], images: [] };
let latestRequest = 0;
let shown: { rows: AttentionRow[]; stages: string[] } | undefined;

const status = statusLine();
const pickers = el('div', 'toolbar');
const toolbar = el('div', 'toolbar');
const results = el('div');

function persist(): void {
  saveState({ panel: 'attentionMaps', state });
}

function toggle(list: string[], value: string, on: boolean): string[] {
  return on ? [...new Set([...list, value])] : list.filter((v) => v !== value);
}

function renderPickers(): void {
  const stageNames = [...new Set(runs.flatMap((r) => r.stages))];
  const runBoxes = el('fieldset', 'control');
  runBoxes.append(el('legend', undefined, 'Runs'));
  for (const run of runs) {
    runBoxes.append(
      checkbox(run.label, state.selectedRuns.includes(run.runDir), (on) => {
        state.selectedRuns = toggle(state.selectedRuns, run.runDir, on);
        persist();
      }).element,
    );
  }
  const stageBoxes = el('fieldset', 'control');
  stageBoxes.append(el('legend', undefined, 'Stages'));
  for (const stage of stageNames) {
    stageBoxes.append(
      checkbox(stage, state.stages.includes(stage), (on) => {
        state.stages = toggle(state.stages, stage, on);
        persist();
      }).element,
    );
  }
  pickers.replaceChildren(runBoxes, stageBoxes);
}

function parseIndices(text: string): number[] {
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n >= 0);
}

function compute(): void {
  const stages =
    state.stages.length > 0 ? state.stages : [...new Set(runs.flatMap((r) => r.stages))];
  if (state.selectedRuns.length === 0) {
    status.set('Pick at least one run.', true);
    return;
  }
  const images =
    files.images.length > 0
      ? { kind: 'png' as const, images: files.images, names: files.names }
      : { kind: 'dataset' as const, indices: parseIndices(state.indices) };
  latestRequest++;
  status.set('Computing Grad-CAM…');
  post({
    type: 'attention/request',
    requestId: latestRequest,
    request: { runDirs: state.selectedRuns, images, stages, method: state.method, target },
  });
}

function readFiles(input: HTMLInputElement): void {
  const chosen = [...(input.files ?? [])];
  void Promise.all(
    chosen.map(
      (f) =>
        new Promise<string>((resolve) => {
          const reader = new FileReader();
          reader.onload = () => resolve((reader.result as string).replace(/^data:[^,]*,/, ''));
          reader.readAsDataURL(f);
        }),
    ),
  ).then((images) => {
    files = { names: chosen.map((f) => f.name), images };
    status.set(
      images.length > 0 ? `${images.length} file(s) chosen: they replace the indices.` : '',
    );
  });
}

async function savePng(): Promise<void> {
  if (!shown) return;
  const css = getComputedStyle(document.body);
  const data = await gridPng(shown.rows, shown.stages, state.opacity, {
    fg: css.color,
    bg: css.backgroundColor,
  });
  post({ type: 'export', format: 'png', fileName: 'scalenet-attention.png', data });
}

function buildToolbar(): void {
  const fileInput = el('input');
  fileInput.type = 'file';
  fileInput.accept = 'image/png';
  fileInput.multiple = true;
  fileInput.setAttribute('aria-label', 'PNG images');
  fileInput.addEventListener('change', () => readFiles(fileInput));
  toolbar.replaceChildren(
    textField('Dataset indices', state.indices, (v) => {
      state.indices = v;
      files = { names: [], images: [] };
      persist();
    }),
    fileInput,
    dropdown<GradcamMethod>(
      'Method',
      [
        { value: 'gradcam', label: 'Grad-CAM' },
        { value: 'gradcam++', label: 'Grad-CAM++' },
      ],
      state.method,
      (v) => {
        state.method = v;
        persist();
      },
    ),
    dropdown(
      'Target',
      [
        { value: 'predicted', label: 'predicted' },
        ...[0, 1, 2, 3].map((r) => ({ value: `rotation:${r}`, label: `rotation ${90 * r}°` })),
      ],
      'predicted',
      (v) => {
        target =
          v === 'predicted'
            ? { kind: 'predicted' }
            : { kind: 'rotation', rotation: Number(v.slice(9)) as 0 | 1 | 2 | 3 };
      },
    ),
    button('Compute', compute),
    slider('Opacity', { min: 0, max: 1, step: 0.05, value: state.opacity }, (v) => {
      state.opacity = v;
      for (const heat of results.querySelectorAll<HTMLCanvasElement>('canvas.heat'))
        heat.style.opacity = String(v);
      persist();
    }).element,
    button('Save grid as PNG', () => void savePng(), true),
  );
}

onHostMessage((message) => {
  switch (message.type) {
    case 'attention/init':
      runs = message.runs;
      if (message.state) Object.assign(state, message.state);
      if (state.selectedRuns.length === 0)
        state.selectedRuns = runs.slice(0, 2).map((r) => r.runDir);
      renderPickers();
      buildToolbar();
      persist();
      status.set(runs.length === 0 ? 'No runs with a checkpoint yet: train one first.' : '');
      break;
    case 'attention/progress':
      if (message.requestId === latestRequest)
        status.set(`Computing Grad-CAM… ${message.done}/${message.total} runs`);
      break;
    case 'attention/result': {
      if (message.requestId !== latestRequest) break;
      const stages =
        state.stages.length > 0
          ? state.stages
          : [...new Set(message.rows.flatMap((r) => r.result?.stages ?? []))];
      shown = { rows: message.rows, stages };
      results.replaceChildren(renderGrids(message.rows, stages, state.opacity));
      const failed = message.rows.filter((r) => r.error);
      status.set(failed.map((r) => `${r.label}: ${r.error}`).join('; '), failed.length > 0);
      break;
    }
    case 'notice':
      status.set(message.message, message.level === 'error');
      break;
    case 'lossCurves/history':
    case 'lossCurves/append':
    case 'harris/init':
    case 'harris/result':
    case 'harris/error':
    case 'map/show':
      break; // other panels' messages
    default:
      assertNever(message);
  }
});

document.body.append(pickers, toolbar, status.element, results);
post({ type: 'ready', panel: 'attentionMaps' });
