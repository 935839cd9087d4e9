/**
 * The paper's Fig. 3 layout as one PNG: for each image, one row per run (e.g. RotNet
 * then ScaleNet), and the columns are the image as the network saw it followed by one
 * overlay per stage. Tiles are square, scaled up by a whole factor (nearest neighbour,
 * so the stage maps' blocks stay visible) and framed by a white gap of GAP pixels.
 */
import { PNG } from 'pngjs';
import type { GradcamComputeResult } from '../../sidecar/protocol';

export const GAP = 2;

export interface GridLayout {
  rows: { run: string; image: string; predicted: string; target: string }[];
  columns: string[];
  tile: number;
  width: number;
  height: number;
}

/** Zoom so that the smallest input becomes at least 64 px. */
export function defaultZoom(results: GradcamComputeResult[]): number {
  const smallest = Math.min(...results.map((r) => r.inputSize));
  return Math.max(1, Math.ceil(64 / smallest));
}

function drawTile(target: PNG, png: PNG, x0: number, y0: number, tile: number): void {
  for (let y = 0; y < tile; y++) {
    const sy = Math.min(png.height - 1, Math.floor((y * png.height) / tile));
    for (let x = 0; x < tile; x++) {
      const sx = Math.min(png.width - 1, Math.floor((x * png.width) / tile));
      const s = 4 * (sy * png.width + sx);
      const d = 4 * ((y0 + y) * target.width + x0 + x);
      target.data[d] = png.data[s];
      target.data[d + 1] = png.data[s + 1];
      target.data[d + 2] = png.data[s + 2];
      target.data[d + 3] = 255;
    }
  }
}

/** The grid PNG and what each row and column holds. */
export function composeGrid(
  results: { run: string; result: GradcamComputeResult }[],
  zoom: number,
): { png: Buffer; layout: GridLayout } {
  if (results.length === 0) throw new Error('no Grad-CAM results to lay out');
  const tile = Math.max(...results.map((r) => r.result.inputSize)) * zoom;
  const stages = results[0].result.stages;
  const columns = ['input', ...stages];
  const imageCount = Math.max(...results.map((r) => r.result.images.length));
  const rows: GridLayout['rows'] = [];
  const tiles: (PNG | undefined)[][] = [];
  for (let i = 0; i < imageCount; i++) {
    for (const { run, result } of results) {
      const img = result.images[i];
      if (!img) continue;
      rows.push({
        run,
        image: img.index !== undefined ? `#${img.index}` : (img.name ?? `image ${i + 1}`),
        predicted: img.predicted.name,
        target: img.target.name,
      });
      const decode = (b64: string) => PNG.sync.read(Buffer.from(b64, 'base64'));
      tiles.push([
        decode(img.image),
        ...stages.map((stage) => {
          const map = img.maps.find((m) => m.stage === stage);
          return map ? decode(map.overlay) : undefined;
        }),
      ]);
    }
  }
  const width = columns.length * tile + (columns.length + 1) * GAP;
  const height = rows.length * tile + (rows.length + 1) * GAP;
  const grid = new PNG({ width, height });
  grid.data.fill(255);
  tiles.forEach((row, r) =>
    row.forEach((png, c) => {
      // A stage another run lacks stays white.
      if (png) drawTile(grid, png, GAP + c * (tile + GAP), GAP + r * (tile + GAP), tile);
    }),
  );
  return { png: PNG.sync.write(grid), layout: { rows, columns, tile, width, height } };
}
