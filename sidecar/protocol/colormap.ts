/**
 * JET (blue = 0 → red = 1, as OpenCV's COLORMAP_JET that Grad-CAM papers use): the colour
 * map of every Grad-CAM overlay the sidecar returns (`GradcamMap.overlay`), published
 * here so a webview that paints `GradcamMap.cam` itself, or draws a colour bar, shows
 * the same colours. A pure function with no imports: the webview bundle may take it.
 */

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/** JET colour of v in 0..1 (clamped) as 8-bit RGB. */
export function jet(v: number): [number, number, number] {
  const x = clamp01(v);
  return [
    Math.round(255 * clamp01(1.5 - Math.abs(4 * x - 3))),
    Math.round(255 * clamp01(1.5 - Math.abs(4 * x - 2))),
    Math.round(255 * clamp01(1.5 - Math.abs(4 * x - 1))),
  ];
}
