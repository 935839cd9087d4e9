/**
 * Where inspect requests get their images: a config (file or unsaved JSON), a bare data
 * section, or PNG/JPEG files. Configs resolve exactly as `run/start` resolves them, and
 * datasets load with the same options as training, so a preview shows the run's images.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from '../config/configError';
import { loadConfigFile } from '../config/loadConfigFile';
import { DataError, loadDataset, type ImageDataset } from '../data/dataset';
import { decodeImage } from '../data/decodeImage';
import { loadOptionsFor } from '../data/loadOptions';
import { selectSubset } from '../data/subset';
import type { DatasetSplit, ImageSource, ScaleNetConfig } from '../protocol';
import type { Raster } from './png';

/** A resolved config and the file its errors name. */
export interface SourceConfig {
  config: ScaleNetConfig;
  file: string;
}

/** The config of a dataset source; undefined for files. */
export function configOf(source: ImageSource): SourceConfig | undefined {
  switch (source.kind) {
    case 'config':
      return { config: loadConfigFile(source.configPath, source.config), file: source.configPath };
    case 'data': {
      // Resolved inside an otherwise default config, so the data gets the same defaults.
      const file = resolve(source.baseDir, '(data section)');
      return { config: loadConfigFile(file, { data: source.data }), file };
    }
    case 'files':
      return undefined;
  }
}

export function loadSplit(config: ScaleNetConfig, split: DatasetSplit): Promise<ImageDataset> {
  // data.path is already absolute, so the base folder is never used for it.
  return loadDataset(config.data, process.cwd(), split, loadOptionsFor(config.data));
}

/** The pretext subset the config selects (all images when neither limit nor perClass). */
export function pretextIndices(ds: ImageDataset, { config, file }: SourceConfig): Int32Array {
  const { limit, perClass } = config.data;
  if (limit === undefined && perClass === undefined) {
    return Int32Array.from({ length: ds.count }, (_, i) => i);
  }
  try {
    return selectSubset(ds.labels, { limit, perClass, seed: config.seed });
  } catch (error) {
    // e.g. perClass larger than a class: the config asks for what the data cannot give.
    throw new ConfigError(
      file,
      perClass !== undefined ? 'data.perClass' : 'data.limit',
      (error as Error).message,
      'Lower it to what every class holds.',
    );
  }
}

/** Image `index` of a dataset as a standalone raster (a view, not a copy). */
export function rasterAt(ds: ImageDataset, index: number): Raster {
  const bytes = ds.height * ds.width * ds.channels;
  return {
    data: ds.images.subarray(index * bytes, (index + 1) * bytes),
    height: ds.height,
    width: ds.width,
    channels: ds.channels,
  };
}

/** A PNG or JPEG file as RGB (alpha dropped, as the folder loader does; same decoder). */
export async function readImageFile(file: string): Promise<Raster> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new DataError(
      file,
      `cannot be read (${(error as Error).message})`,
      'Check the path of the image',
    );
  }
  const decoded = await decodeImage(bytes, file);
  return { data: decoded.data, height: decoded.height, width: decoded.width, channels: 3 };
}
