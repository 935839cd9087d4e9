/**
 * The Harris preview grid: one row per image, and per scale of the chain the five
 * views the network can be shown (original, corners over the original, Harris, gray,
 * gray-Harris), with the corner count of each scale in the row's label.
 */
import type { HarrisPreviewResult, HarrisPreviewView } from '../../sidecar/protocol';
import { el } from '../shared/ui';

const VIEWS: {
  key: keyof Pick<HarrisPreviewView, 'original' | 'overlay' | 'harris' | 'gray' | 'grayHarris'>;
  label: string;
}[] = [
  { key: 'original', label: 'original' },
  { key: 'overlay', label: 'corners' },
  { key: 'harris', label: 'Harris' },
  { key: 'gray', label: 'gray' },
  { key: 'grayHarris', label: 'gray-Harris' },
];

function image(base64: string, alt: string): HTMLImageElement {
  const img = el('img');
  img.src = `data:image/png;base64,${base64}`;
  img.alt = alt;
  return img;
}

export function renderGrid(result: HarrisPreviewResult): HTMLElement {
  const grid = el('div', 'grid');
  const columns = result.scales.length * VIEWS.length;
  grid.style.gridTemplateColumns = `max-content repeat(${columns}, max-content)`;
  grid.setAttribute('role', 'table');
  grid.append(el('div', 'grid-head', 'image'));
  for (const scale of result.scales) {
    for (const view of VIEWS) grid.append(el('div', 'grid-head', `α ${scale} ${view.label}`));
  }
  for (const item of result.images) {
    const name = item.file ?? `#${item.index ?? '?'} ${item.className ?? ''}`;
    const counts = item.scales.map((s) => `${s.corners} @ ${s.width}px`).join(', ');
    const head = el('div', 'cell');
    head.append(el('span', undefined, name), el('span', 'muted', `corners ${counts}`));
    head.dataset.corners = String(item.corners);
    grid.append(head);
    for (const view of item.scales) {
      for (const v of VIEWS) {
        const cell = el('div', 'cell image-cell');
        cell.append(image(view[v.key], `${name}, ${v.label} at scale ${view.scale}`));
        grid.append(cell);
      }
    }
  }
  return grid;
}
