/**
 * Where inspect requests get their images: a config (file or unsaved JSON), a bare data
 * section, or PNG/JPEG files. Configs resolve exactly as `run/start` resolves them, and
 * datasets load with the same options as training, so a preview shows the run's images.
 */
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { ConfigError } from '../config/configError';
import { loadConfigFileAsync } from '../config/loadConfigFile';
import { DataError, loadDataset, type ImageDataset } from '../data/dataset';
import { decodePng, type DecodedImage } from '../data/folder';
import { decodeJpeg, loadOptionsFor } from '../data/loadOptions';
import { selectSubset } from '../data/subset';
import type { DatasetSplit, ImageSource, ScaleNetConfig } from '../protocol';
import type { Raster } from './png';

/** A resolved config and the file its errors name. */
export interface SourceConfig {
  config: ScaleNetConfig;
  file: string;
}

/** The config of a dataset source; undefined for files. */
export async function configOf(source: ImageSource): Promise<SourceConfig | undefined> {
  switch (source.kind) {
    case 'config':
      return {
        config: await loadConfigFileAsync(source.configPath, source.config),
        file: source.configPath,
      };
    case 'data': {
      // Resolved inside an otherwise default config, so the data gets the same defaults.
      const file = resolve(source.baseDir, '(data section)');
      return { config: await loadConfigFileAsync(file, { data: source.data }), file };
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

const JPEG = new Set(['.jpg', '.jpeg']);

/** A PNG or JPEG file as RGB (alpha dropped, as the folder loader does). */
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
  let decoded: DecodedImage;
  try {
    decoded = JPEG.has(extname(file).toLowerCase()) ? decodeJpeg(bytes) : decodePng(bytes);
  } catch (error) {
    throw new DataError(
      file,
      `cannot be decoded as ${JPEG.has(extname(file).toLowerCase()) ? 'JPEG' : 'PNG'} (${(error as Error).message})`,
      'Give PNG or baseline JPEG files',
    );
  }
  const n = decoded.width * decoded.height;
  const data = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) {
    data[3 * p] = decoded.data[4 * p];
    data[3 * p + 1] = decoded.data[4 * p + 1];
    data[3 * p + 2] = decoded.data[4 * p + 2];
  }
  return { data, height: decoded.height, width: decoded.width, channels: 3 };
}
