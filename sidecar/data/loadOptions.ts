/**
 * The loader options a config implies: the side length folder images are resized to,
 * and JPEG decoding through jpeg-js (pure JS, so it bundles and runs on every backend).
 * Every caller of loadDataset for a config passes these, so training, previews and
 * `data/inspect` see the same images.
 */
import jpegJs from 'jpeg-js';
import type { DataConfig } from '../protocol/config';
import type { DecodedImage } from './folder';
import type { LoadOptions } from './dataset';

/** jpeg-js RGBA output, as typed arrays rather than Buffers. */
export function decodeJpeg(bytes: Uint8Array): DecodedImage {
  return jpegJs.decode(bytes, { useTArray: true });
}

export function loadOptionsFor(data: Pick<DataConfig, 'imageSize'>): LoadOptions {
  return { imageSize: data.imageSize ?? 32, decodeJpeg };
}
