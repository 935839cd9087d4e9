/**
 * Heatmaps painted here (whose opacity the user changes) in the colour map the sidecar
 * blends into its overlay PNGs: JET, published in sidecar/protocol so both use one.
 */
import { jet } from '../../sidecar/protocol/colormap';

/** A width x height canvas painting `values` (0..1, row-major) in JET, fully opaque. */
export function heatmapCanvas(
  values: ArrayLike<number>,
  width: number,
  height: number,
): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return canvas;
  const img = ctx.createImageData(width, height);
  for (let p = 0; p < width * height; p++) {
    const [r, g, b] = jet(values[p] ?? 0);
    img.data.set([r, g, b, 255], 4 * p);
  }
  ctx.putImageData(img, 0, 0);
  return canvas;
}
