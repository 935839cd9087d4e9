/**
 * Attention maps: pick runs, images (dataset indices or PNG files), stages, method, the
 * network (pretext, or a kept classifier) and its target; the host asks the sidecar (`gradcam/compute`) once per run and answers with
 * one row per run. The opacity slider only restyles the heatmaps already drawn.
 */
import '../shared/panel.css';
import type { GradcamMethod } from '../../sidecar/protocol';
import {
  assertNever,
  GRADCAM_METHOD_NAMES,
  SUPERSEDED,
  type AttentionChannel,
  type AttentionMapsState,
  type AttentionRow,
  type AttentionRun,
} from '../protocol';
import { connect } from '../shared/host';
import { button, checkbox, dropdown, el, slider, statusLine, textField } from '../shared/ui';
import { colorBar } from './colorBar';
import { gridPng, renderGrids } from './grid';
import { knownNetwork, knownTarget, networkOptions, requestFields, targetOptions } from './network';

const host = connect<AttentionChannel>('attentionMaps');
const state: AttentionMapsState = host.savedState() ?? {
  selectedRuns: [],
  stages: [],
  method: 'gradcam',
  indices: '0,1,2,3',
  opacity: 0.5,
};
let runs: AttentionRun[] = [];
let files: { names: string[]; images: string[] } = { names: [], images: [] };
let shown: { rows: AttentionRow[]; stages: string[] } | undefined;

const status = statusLine();
const pickers = el('div', 'toolbar');
const toolbar = el('div', 'toolbar');
const results = el('div');

function persist(): void {
  host.saveState(state);
}

function stageNames(): string[] {
  return [...new Set(runs.flatMap((r) => r.stages))];
}

function toggle(list: string[], value: string, on: boolean): string[] {
  return on ? [...new Set([...list, value])] : list.filter((v) => v !== value);
}

function renderPickers(): void {
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
  for (const stage of stageNames()) {
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
  if (state.selectedRuns.length === 0) {
    status.set('Pick at least one run.', true);
    return;
  }
  // The boxes show what is computed: every stage unless the user unticked some.
  const stages = stageNames().filter((s) => state.stages.includes(s));
  if (stages.length === 0) {
    status.set('Pick at least one stage.', true);
    return;
  }
  const images =
    files.images.length > 0
      ? { kind: 'png' as const, images: files.images, names: files.names }
      : { kind: 'dataset' as const, indices: parseIndices(state.indices) };
  const methodName = GRADCAM_METHOD_NAMES[state.method];
  status.set(`Computing ${methodName}…`);
  host.requests
    .requestLatest(
      'attention/compute',
      {
        runDirs: state.selectedRuns,
        images,
        stages,
        method: state.method,
        ...requestFields(state.network ?? 'pretext', state.target ?? 'predicted'),
      },
      ({ done, total }) => status.set(`Computing ${methodName}… ${done}/${total} runs`),
    )
    .then(
      (rows) => {
        if (rows !== SUPERSEDED) showRows(rows, stages);
      },
      (error: Error) => status.set(error.message, true),
    );
}

function showRows(rows: AttentionRow[], stages: string[]): void {
  shown = { rows, stages };
  results.replaceChildren(renderGrids(rows, stages, state.opacity));
  const failed = rows.filter((r) => r.error);
  status.set(failed.map((r) => `${r.label}: ${r.error}`).join('; '), failed.length > 0);
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
  host.post({ type: 'export', format: 'png', fileName: 'scalenet-attention.png', data });
}

function buildToolbar(): void {
  const network = knownNetwork(runs, state.network);
  state.network = network;
  state.target = knownTarget(runs, network, state.target);
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
      (Object.keys(GRADCAM_METHOD_NAMES) as GradcamMethod[]).map((value) => ({
        value,
        label: GRADCAM_METHOD_NAMES[value],
      })),
      state.method,
      (v) => {
        state.method = v;
        persist();
      },
    ),
    dropdown('Network', networkOptions(runs), network, (v) => {
      state.network = v;
      state.target = knownTarget(runs, v, state.target);
      persist();
      // The targets are the chosen network's outputs.
      buildToolbar();
    }),
    dropdown('Target', targetOptions(runs, network), state.target ?? 'predicted', (v) => {
      state.target = v;
      persist();
    }),
    button('Compute', compute),
    slider('Opacity', { min: 0, max: 1, step: 0.05, value: state.opacity }, (v) => {
      state.opacity = v;
      for (const heat of results.querySelectorAll<HTMLCanvasElement>('canvas.heat'))
        heat.style.opacity = String(v);
      persist();
    }).element,
    button('Save grid as PNG', () => void savePng(), true),
    colorBar(),
  );
}

host.onMessage((message) => {
  switch (message.type) {
    case 'attention/init':
      runs = message.runs;
      if (message.state) Object.assign(state, message.state);
      if (state.selectedRuns.length === 0)
        state.selectedRuns = runs.slice(0, 2).map((r) => r.runDir);
      // No stage picked (a new panel, or one saved before stages were kept): all of them.
      if (!stageNames().some((s) => state.stages.includes(s))) state.stages = stageNames();
      renderPickers();
      buildToolbar();
      persist();
      status.set(runs.length === 0 ? 'No runs with a checkpoint yet: train one first.' : '');
      break;
    case 'attention/select': {
      const known = message.runDirs.filter((dir) => runs.some((r) => r.runDir === dir));
      if (known.length > 0) state.selectedRuns = known;
      renderPickers();
      persist();
      break;
    }
    case 'notice':
      status.set(message.message, message.level === 'error');
      break;
    default:
      assertNever(message);
  }
});

document.body.append(pickers, toolbar, status.element, results);
host.post({ type: 'ready', panel: 'attentionMaps' });
