/**
 * The loader options a config implies: the side length folder images are resized to.
 * Every caller of loadDataset for a config passes these, so training, previews and
 * `data/inspect` see the same images.
 */
import type { DataConfig } from '../protocol/config';
import type { LoadOptions } from './dataset';

export function loadOptionsFor(data: Pick<DataConfig, 'imageSize'>): LoadOptions {
  return { imageSize: data.imageSize ?? 32 };
}
