/**
 * The representation map: for each run shown (two side by side: RotNet vs ScaleNet), a
 * UMAP of its test embeddings at the chosen stage, coloured by class, a kNN accuracy
 * caption, and on hover the image and its nearest neighbours. The host names the runs
 * (`map/init`); their maps are asked for (`map/compute`, one row per run). "Export PNG"
 * sends the maps drawn as a PNG to the host, which saves it where the user chooses.
 */
import '../shared/panel.css';
import type { ModelMapResult } from '../../sidecar/protocol';
import {
  assertNever,
  type MapRow,
  type RepresentationMapChannel,
  type RepresentationMapState,
} from '../protocol';
import { connect } from '../shared/host';
import { button, dropdown, el, statusLine } from '../shared/ui';
import { CLASS_COLOURS, drawMap, MAP_SIZE, pointAt } from './draw';

const status = statusLine();
const toolbar = el('div', 'toolbar');
const maps = el('div', 'map-row');
maps.style.display = 'flex';
maps.style.gap = '16px';
maps.style.flexWrap = 'wrap';
const tooltip = el('div', 'map-tooltip');
tooltip.style.position = 'fixed';
tooltip.style.display = 'none';
tooltip.style.pointerEvents = 'none';
tooltip.style.padding = '6px';
tooltip.style.background = 'var(--vscode-editorWidget-background, #252526)';
tooltip.style.border = '1px solid var(--vscode-editorWidget-border, #454545)';
document.body.append(toolbar, maps, status.element, tooltip);

const host = connect<RepresentationMapChannel>('representationMap');

let shown: ModelMapResult[] = [];
let stageName = '';
const canvases: HTMLCanvasElement[] = [];

const percent = (v: number) => `${(v * 100).toFixed(1)}%`;

function thumbnail(src: string, size: number, title: string): HTMLImageElement {
  const img = document.createElement('img');
  img.src = src;
  img.width = size;
  img.height = size;
  img.title = title;
  img.style.imageRendering = 'pixelated';
  img.style.marginRight = '2px';
  return img;
}

function renderAll(): void {
  maps.replaceChildren();
  canvases.length = 0;
  shown.forEach((map, m) => {
    const stage = map.stages.find((s) => s.layer === stageName) ?? map.stages.at(-1)!;
    const column = el('div', 'map-column');
    // Side by side: each column as wide as its map, the caption wrapping under it.
    column.style.width = `${MAP_SIZE}px`;
    column.append(el('h3', undefined, `${map.runId} · ${map.method} [${map.scales.join(', ')}]`));
    const canvas = document.createElement('canvas');
    canvas.setAttribute('aria-label', `Representation map of ${map.runId}, ${stage.layer}`);
    drawMap(canvas, stage, map.labels);
    canvas.addEventListener('mousemove', (event) => {
      const box = canvas.getBoundingClientRect();
      const index = pointAt(stage, event.clientX - box.left, event.clientY - box.top);
      if (index === undefined) {
        tooltip.style.display = 'none';
        drawMap(canvas, stage, map.labels);
        return;
      }
      const neighbours = stage.neighbours[index];
      drawMap(canvas, stage, map.labels, { index, neighbours });
      const name = (i: number) => map.classNames[map.labels[i]] ?? String(map.labels[i]);
      tooltip.replaceChildren(
        el('div', undefined, `#${index} · ${name(index)}`),
        thumbnail(map.thumbnails[index], 64, name(index)),
        el('div', undefined, `nearest ${neighbours.length}:`),
        ...neighbours.map((j) => thumbnail(map.thumbnails[j], 32, `#${j} ${name(j)}`)),
      );
      tooltip.dataset.index = String(index);
      tooltip.style.left = `${event.clientX + 14}px`;
      tooltip.style.top = `${event.clientY + 14}px`;
      tooltip.style.display = 'block';
      tooltip.dataset.map = String(m);
    });
    canvas.addEventListener('mouseleave', () => {
      tooltip.style.display = 'none';
      drawMap(canvas, stage, map.labels);
    });
    canvases.push(canvas);
    const caption = el(
      'div',
      'map-caption',
      `${stage.layer}: kNN accuracy ${percent(stage.knnAccuracy)} (k = ${map.k}, leave-one-out) on ${stage.points.length} test images · ${stage.dim}-d features`,
    );
    const legend = el('div', 'map-legend');
    map.classNames.forEach((c, i) => {
      const swatch = el('span', undefined, `● ${c} `);
      swatch.style.color = CLASS_COLOURS[i % CLASS_COLOURS.length];
      legend.append(swatch);
    });
    column.append(canvas, caption, legend);
    maps.append(column);
  });
}

function exportPng(): void {
  const out = document.createElement('canvas');
  const ratio = window.devicePixelRatio || 1;
  out.width = canvases.length * (MAP_SIZE + 16) * ratio;
  out.height = MAP_SIZE * ratio;
  const g = out.getContext('2d')!;
  canvases.forEach((c, i) => g.drawImage(c, i * (MAP_SIZE + 16) * ratio, 0));
  const data = out.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
  host.post({
    type: 'export',
    format: 'png',
    fileName: `representation-map-${stageName}.png`,
    data,
  });
}

function renderToolbar(): void {
  const stages = [...new Set(shown.flatMap((m) => m.stages.map((s) => s.layer)))];
  toolbar.replaceChildren(
    dropdown(
      'Stage',
      stages.map((s) => ({ value: s, label: s })),
      stageName,
      (value) => {
        stageName = value;
        renderAll();
      },
    ),
    button('Export PNG', exportPng, true),
  );
}

function show(rows: MapRow[]): void {
  shown = rows.flatMap((r) => (r.map ? [r.map] : []));
  stageName = shown[0]?.stages.at(-1)?.layer ?? '';
  renderToolbar();
  renderAll();
  const failed = rows.filter((r) => r.error !== undefined);
  const summary = `${shown.length} run${shown.length === 1 ? '' : 's'}; hover a point for its image and neighbours.`;
  status.set(
    failed.length > 0
      ? [summary, ...failed.map((r) => `${r.runDir}: ${r.error}`)].join(' · ')
      : summary,
    failed.length > 0,
  );
}

async function load(state: RepresentationMapState): Promise<void> {
  // Kept, so a reload (or the serializer) maps the same runs again.
  host.saveState(state);
  status.set(`Mapping ${state.runDirs.length} run${state.runDirs.length === 1 ? '' : 's'}…`);
  try {
    const rows = await host.requests.request('map/compute', { runDirs: state.runDirs }, (p) =>
      status.set(`Mapping run ${p.done + 1} of ${p.total}…`),
    );
    show(rows);
  } catch (error) {
    status.set(`Could not map the runs: ${(error as Error).message}`, true);
  }
}

host.onMessage((message) => {
  switch (message.type) {
    case 'map/init':
      void load(message.state);
      return;
    case 'notice':
      status.set(message.message, message.level === 'error');
      return;
    default:
      assertNever(message);
  }
});

host.post({ type: 'ready', panel: 'representationMap' });
