/**
 * JET, the colormap the sidecar blends into its overlay PNGs, so the live heatmaps
 * here (whose opacity the user changes) match the saved overlays.
 */
const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

export function jet(v: number): [number, number, number] {
  const x = clamp01(v);
  return [
    Math.round(255 * clamp01(1.5 - Math.abs(4 * x - 3))),
    Math.round(255 * clamp01(1.5 - Math.abs(4 * x - 2))),
    Math.round(255 * clamp01(1.5 - Math.abs(4 * x - 1))),
  ];
}

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
