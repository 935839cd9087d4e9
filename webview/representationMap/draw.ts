/**
 * One representation map on a canvas: a dot per image at its UMAP position, coloured by
 * class; `pointAt` finds the dot under the pointer. Pure canvas 2D, no eval.
 */
import type { MapStage } from '../../sidecar/protocol';

/** Ten distinguishable colours (Tableau 10); classes beyond ten reuse them. */
export const CLASS_COLOURS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

export const MAP_SIZE = 360;
const MARGIN = 12;
const RADIUS = 3.5;

export function pixelOf(point: [number, number]): [number, number] {
  const span = MAP_SIZE - 2 * MARGIN;
  return [MARGIN + point[0] * span, MARGIN + (1 - point[1]) * span];
}

/** Draws every point; returns how many were drawn (the canvas says it in data-points). */
export function drawMap(
  canvas: HTMLCanvasElement,
  stage: MapStage,
  labels: number[],
  highlight?: { index: number; neighbours: number[] },
): number {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = MAP_SIZE * ratio;
  canvas.height = MAP_SIZE * ratio;
  canvas.style.width = `${MAP_SIZE}px`;
  canvas.style.height = `${MAP_SIZE}px`;
  const g = canvas.getContext('2d')!;
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.fillStyle =
    getComputedStyle(document.body).getPropertyValue('--vscode-editor-background') || '#1e1e1e';
  g.fillRect(0, 0, MAP_SIZE, MAP_SIZE);
  let drawn = 0;
  stage.points.forEach((point, i) => {
    const [x, y] = pixelOf(point);
    g.beginPath();
    g.arc(x, y, RADIUS, 0, 2 * Math.PI);
    g.fillStyle = CLASS_COLOURS[labels[i] % CLASS_COLOURS.length];
    g.globalAlpha =
      highlight && highlight.index !== i && !highlight.neighbours.includes(i) ? 0.35 : 1;
    g.fill();
    drawn++;
  });
  g.globalAlpha = 1;
  if (highlight) {
    const [x, y] = pixelOf(stage.points[highlight.index]);
    g.strokeStyle = '#ffffff';
    g.lineWidth = 1;
    for (const j of highlight.neighbours) {
      const [nx, ny] = pixelOf(stage.points[j]);
      g.beginPath();
      g.moveTo(x, y);
      g.lineTo(nx, ny);
      g.stroke();
    }
    g.beginPath();
    g.arc(x, y, RADIUS + 2, 0, 2 * Math.PI);
    g.stroke();
  }
  canvas.dataset.points = String(drawn);
  return drawn;
}

/** The point nearest to (x, y) in CSS pixels, if one lies within a few pixels. */
export function pointAt(stage: MapStage, x: number, y: number): number | undefined {
  let best: number | undefined;
  let bestDistance = (RADIUS + 3) ** 2;
  stage.points.forEach((point, i) => {
    const [px, py] = pixelOf(point);
    const d = (px - x) ** 2 + (py - y) ** 2;
    if (d <= bestDistance) [best, bestDistance] = [i, d];
  });
  return best;
}
