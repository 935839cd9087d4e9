/**
 * The one JET colour map (sidecar/protocol/colormap.ts) that the sidecar's overlays and
 * the webview's heatmaps and colour bar both use: known values from its definition
 * (OpenCV's COLORMAP_JET shape: dark blue → blue → cyan → yellow → red → dark red).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jet } from '../../sidecar/protocol/colormap';

describe('jet colour map', () => {
  it('gives the known colours at the ends, the quarters and the middle', () => {
    assert.deepEqual(jet(0), [0, 0, 128]);
    assert.deepEqual(jet(0.125), [0, 0, 255]);
    assert.deepEqual(jet(0.25), [0, 128, 255]);
    assert.deepEqual(jet(0.375), [0, 255, 255]);
    assert.deepEqual(jet(0.5), [128, 255, 128]);
    assert.deepEqual(jet(0.625), [255, 255, 0]);
    assert.deepEqual(jet(0.75), [255, 128, 0]);
    assert.deepEqual(jet(0.875), [255, 0, 0]);
    assert.deepEqual(jet(1), [128, 0, 0]);
  });

  it('clamps values outside 0..1 to the ends', () => {
    assert.deepEqual(jet(-3), jet(0));
    assert.deepEqual(jet(7), jet(1));
  });

  it('goes from blue to red: blue falls and red rises across the range', () => {
    const xs = Array.from({ length: 101 }, (_, i) => i / 100);
    const red = xs.map((x) => jet(x)[0]);
    const blue = xs.map((x) => jet(x)[2]);
    assert.ok(red.slice(0, 88).every((r, i) => i === 0 || r >= red[i - 1]));
    assert.ok(blue.slice(13).every((b, i, a) => i === 0 || b <= a[i - 1]));
  });
});
