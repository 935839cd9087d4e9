/**
 * How a CAM is shown: the JET colormap (blue = 0 → red = 1, as OpenCV's COLORMAP_JET
 * that Grad-CAM papers use) blended over the image the network saw.
 */
import { jet } from '../protocol/colormap';
import type { Raster } from '../inspect/png';

/** The image as RGB (gray planes repeated), whatever its channel count. */
export function toRgb(img: Raster): Raster {
  if (img.channels === 3) return img;
  const n = img.width * img.height;
  const data = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) data.fill(img.data[p * img.channels], 3 * p, 3 * p + 3);
  return { data, height: img.height, width: img.width, channels: 3 };
}

/** (1 - alpha) x image + alpha x jet(cam); `cam` holds height x width values in 0..1. */
export function blendOverlay(image: Raster, cam: ArrayLike<number>, alpha = 0.5): Raster {
  const rgb = toRgb(image);
  const n = rgb.width * rgb.height;
  if (cam.length !== n) throw new RangeError(`CAM has ${cam.length} values for ${n} pixels`);
  const data = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) {
    const colour = jet(cam[p]);
    for (let ch = 0; ch < 3; ch++) {
      data[3 * p + ch] = Math.round((1 - alpha) * rgb.data[3 * p + ch] + alpha * colour[ch]);
    }
  }
  return { data, height: rgb.height, width: rgb.width, channels: 3 };
}
