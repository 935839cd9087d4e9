/**
 * The colour bar of the heatmaps: what the colours mean (the CAM's 0..1, normalised per
 * map), painted with the same JET the sidecar and the heatmaps use.
 */
import { jet } from '../../sidecar/protocol/colormap';
import { el } from '../shared/ui';

const STEPS = 128;

export function colorBar(): HTMLElement {
  const wrap = el('div', 'control colorbar');
  const bar = document.createElement('canvas');
  bar.width = STEPS;
  bar.height = 1;
  const ctx = bar.getContext('2d');
  if (ctx) {
    const img = ctx.createImageData(STEPS, 1);
    for (let i = 0; i < STEPS; i++) img.data.set([...jet(i / (STEPS - 1)), 255], 4 * i);
    ctx.putImageData(img, 0, 0);
  }
  bar.setAttribute('role', 'img');
  bar.setAttribute(
    'aria-label',
    'Colour scale: dark blue for 0 (no attention) through green to dark red for 1 (most attention), per map',
  );
  wrap.append(el('span', 'control-label', '0 low'), bar, el('span', 'control-label', 'high 1'));
  return wrap;
}
