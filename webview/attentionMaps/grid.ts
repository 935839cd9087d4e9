/**
 * The attention-map grid, like the paper's Figure 3: per image, rows = runs and
 * columns = the input then one map per stage. Each map is the input with a JET heatmap
 * over it whose opacity the slider sets (CSS, no recompute), and each row says what
 * that run predicted with which probability. The same layout is painted onto a canvas
 * for "Save grid as PNG".
 */
import type { GradcamImageResult } from '../../sidecar/protocol';
import { GRADCAM_METHOD_NAMES, type AttentionRow } from '../protocol';
import { heatmapCanvas } from '../shared/colormap';
import { el } from '../shared/ui';

export const CELL = 96;

function pngSrc(base64: string): string {
  return `data:image/png;base64,${base64}`;
}

function imageLabel(img: GradcamImageResult): string {
  return img.index !== undefined
    ? `#${img.index}${img.className ? ` ${img.className}` : ''}`
    : (img.name ?? 'image');
}

/** What the row's network predicted, and the output its maps explain where that differs. */
function rowCaption(row: AttentionRow, imageIndex: number): string {
  const img = row.result?.images[imageIndex];
  if (!img) return row.error ?? 'no result';
  const p = img.predicted;
  const predicted = `${p.name} ${(100 * p.probability).toFixed(1)}%`;
  return img.target.index === p.index ? predicted : `${predicted} · maps of ${img.target.name}`;
}

/** The network a row's maps explain: the pretext network or a kept classifier. */
function networkName(row: AttentionRow): string {
  const result = row.result;
  return result?.model === 'classifier' ? `classifier, ${result.labels} labels` : 'pretext';
}

/** The method the row's maps were computed with, by name (the sidecar says which). */
function methodName(row: AttentionRow): string {
  const method = row.result?.method;
  return method ? GRADCAM_METHOD_NAMES[method] : 'Grad-CAM';
}

/** One grid per image; the heatmap canvases carry class `heat` for the opacity slider. */
export function renderGrids(rows: AttentionRow[], stages: string[], opacity: number): HTMLElement {
  const host = el('div');
  const first = rows.find((r) => r.result)?.result;
  if (!first) {
    host.append(
      el('div', 'status error', rows.map((r) => `${r.label}: ${r.error ?? '?'}`).join('\n')),
    );
    return host;
  }
  first.images.forEach((img, i) => {
    const section = el('section', 'image-grid');
    section.append(el('h3', undefined, imageLabel(img)));
    const grid = el('div', 'grid');
    grid.style.gridTemplateColumns = `max-content repeat(${stages.length + 1}, max-content)`;
    grid.append(el('div', 'grid-head', 'run'), el('div', 'grid-head', 'input'));
    for (const s of stages) grid.append(el('div', 'grid-head', s));
    for (const row of rows) {
      const head = el('div', 'cell');
      head.append(
        el('strong', undefined, row.label),
        el('span', 'muted', networkName(row)),
        el('span', 'muted', rowCaption(row, i)),
      );
      grid.append(head);
      const result = row.result?.images[i];
      const input = el('div', 'cell');
      if (result) {
        const base = el('img');
        base.src = pngSrc(result.image);
        base.alt = `${imageLabel(result)} as ${row.label} sees it`;
        input.append(base);
      }
      grid.append(input);
      for (const stage of stages) {
        const cell = el('div', 'cell map-cell');
        const map = result?.maps.find((m) => m.stage === stage);
        if (result && map) {
          const stack = el('div', 'stack');
          const base = el('img');
          base.src = pngSrc(result.image);
          base.alt = '';
          const heat = heatmapCanvas(map.cam, result.width, result.height);
          heat.className = 'heat';
          heat.style.opacity = String(opacity);
          heat.setAttribute('role', 'img');
          heat.setAttribute(
            'aria-label',
            `${row.label} ${stage} ${methodName(row)} of ${imageLabel(result)}`,
          );
          stack.append(base, heat);
          cell.append(stack);
        } else {
          cell.append(el('span', 'muted', '–'));
        }
        grid.append(cell);
      }
    }
    section.append(grid);
    host.append(section);
  });
  return host;
}

function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('image did not decode'));
    img.src = src;
  });
}

/** Every image's grid painted on one canvas (labels included), as PNG base64. */
export async function gridPng(
  rows: AttentionRow[],
  stages: string[],
  opacity: number,
  colors: { fg: string; bg: string },
): Promise<string> {
  const first = rows.find((r) => r.result)?.result;
  const images = first?.images.length ?? 0;
  const labelW = 180;
  const headH = 20;
  const width = labelW + (stages.length + 1) * (CELL + 4);
  const blockH = headH + rows.length * (CELL + 4) + 24;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = Math.max(1, images * blockH);
  const ctx = canvas.getContext('2d');
  if (!ctx || !first) return '';
  ctx.fillStyle = colors.bg;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.imageSmoothingEnabled = false;
  ctx.font = '12px sans-serif';
  for (let i = 0; i < images; i++) {
    const top = i * blockH;
    ctx.fillStyle = colors.fg;
    ctx.fillText(imageLabel(first.images[i]), 4, top + 14);
    ['input', ...stages].forEach((s, c) =>
      ctx.fillText(s, labelW + c * (CELL + 4), top + headH + 14),
    );
    for (const [r, row] of rows.entries()) {
      const y = top + headH + 20 + r * (CELL + 4);
      ctx.fillStyle = colors.fg;
      ctx.fillText(row.label, 4, y + 16);
      ctx.fillText(rowCaption(row, i), 4, y + 32);
      const result = row.result?.images[i];
      if (!result) continue;
      const base = await loadImage(pngSrc(result.image));
      ctx.drawImage(base, labelW, y, CELL, CELL);
      stages.forEach((stage, c) => {
        const map = result.maps.find((m) => m.stage === stage);
        const x = labelW + (c + 1) * (CELL + 4);
        ctx.globalAlpha = 1;
        ctx.drawImage(base, x, y, CELL, CELL);
        if (!map) return;
        ctx.globalAlpha = opacity;
        ctx.drawImage(heatmapCanvas(map.cam, result.width, result.height), x, y, CELL, CELL);
        ctx.globalAlpha = 1;
      });
    }
  }
  return canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
}
