/**
 * Every PNG the sidecar hands out is made here: single images for previews and the grid
 * of `data/preview` (cells upscaled with nearest neighbour, so a 14-pixel image shows
 * its pixels instead of a blur). Encoded with pngjs; pixels stay 8-bit HWC as the
 * transforms produce them.
 */
import { PNG } from 'pngjs';

/** One 8-bit HWC image of 1 (gray) or 3 (RGB) channels. */
export interface Raster {
  data: Uint8Array;
  height: number;
  width: number;
  channels: number;
}

/** A PNG file: gray images as gray PNGs, RGB as RGB (no alpha: nothing is transparent). */
export function encodePng(img: Raster): Buffer {
  const { width, height, channels, data } = img;
  const png = new PNG({ width, height });
  for (let p = 0, n = width * height; p < n; p++) {
    for (let ch = 0; ch < 3; ch++)
      png.data[4 * p + ch] = data[p * channels + (channels === 1 ? 0 : ch)];
    png.data[4 * p + 3] = 255;
  }
  return PNG.sync.write(png, { colorType: channels === 1 ? 0 : 2 });
}

export function encodePngBase64(img: Raster): string {
  return encodePng(img).toString('base64');
}

/** Nearest-neighbour resize to outH x outW (any factor), as RGB. */
export function upscaleNearest(img: Raster, outH: number, outW: number): Raster {
  const out = new Uint8Array(outH * outW * 3);
  const { width, height, channels, data } = img;
  for (let y = 0; y < outH; y++) {
    const sy = Math.min(height - 1, Math.floor((y * height) / outH));
    for (let x = 0; x < outW; x++) {
      const sx = Math.min(width - 1, Math.floor((x * width) / outW));
      const s = (sy * width + sx) * channels;
      const o = (y * outW + x) * 3;
      for (let ch = 0; ch < 3; ch++) out[o + ch] = data[s + (channels === 1 ? 0 : ch)];
    }
  }
  return { data: out, height: outH, width: outW, channels: 3 };
}

export interface GridLayout {
  rows: number;
  columns: number;
  cellSize: number;
  /** Width of the lines between (and around) cells. */
  separator: number;
}

/** width = columns x cellSize + (columns + 1) x separator; likewise the height. */
export function gridSize(layout: GridLayout): { width: number; height: number } {
  const side = (n: number) => n * layout.cellSize + (n + 1) * layout.separator;
  return { width: side(layout.columns), height: side(layout.rows) };
}

const SEPARATOR_RGB = [96, 96, 96];

/** cells[row][column], each upscaled to a cellSize square, framed by separator lines. */
export function composeGrid(cells: Raster[][], layout: GridLayout): Raster {
  const { width, height } = gridSize(layout);
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) data.set(SEPARATOR_RGB, p * 3);
  const { cellSize, separator } = layout;
  cells.forEach((row, r) =>
    row.forEach((cell, c) => {
      const big = upscaleNearest(cell, cellSize, cellSize);
      const top = separator + r * (cellSize + separator);
      const left = separator + c * (cellSize + separator);
      for (let y = 0; y < cellSize; y++) {
        const from = y * cellSize * 3;
        data.set(big.data.subarray(from, from + cellSize * 3), ((top + y) * width + left) * 3);
      }
    }),
  );
  return { data, height, width, channels: 3 };
}
