/**
 * `harris/preview`: a few images at every scale of the chain with their Harris corners,
 * so a user can tune the detector before training. Everything is computed per request
 * (a 16-image preview of the embedded set takes a few tens of milliseconds).
 */
import type {
  HarrisParams,
  HarrisPreviewImage,
  HarrisPreviewParams,
  HarrisPreviewResult,
  HarrisPreviewView,
} from '../protocol';
import { DEFAULT_HARRIS, validateHarris } from '../transforms/harris';
import { scaledSize } from '../transforms/resize';
import { countParam, ParamsError } from './errors';
import { encodePngBase64, type Raster } from './png';
import { configOf, loadSplit, pretextIndices, rasterAt, readImageFile } from './source';
import { DetectorPool, viewsAtScale } from './views';

const MAX_IMAGES = 256;
const RED = [255, 0, 0] as const;

interface Item {
  image: Raster;
  index?: number;
  label?: number;
  className?: string;
  file?: string;
}

function checkScales(scales: number[]): number[] {
  if (scales.length === 0) throw new ParamsError('scales is empty: give at least one, e.g. [1]');
  // scaledSize throws a RangeError (→ invalid params) for an alpha outside (0, 1].
  for (const s of scales) scaledSize(1, s);
  return scales;
}

function checkColor(color: number[]): number[] {
  if (color.length !== 3 || color.some((v) => !(Number.isInteger(v) && v >= 0 && v <= 255))) {
    throw new ParamsError(
      `overlayColor must be three integers 0-255, got ${JSON.stringify(color)}`,
    );
  }
  return color;
}

async function itemsOf(
  params: HarrisPreviewParams,
): Promise<{ items: Item[]; harris: HarrisParams; scales: number[]; dataset?: string }> {
  const { source } = params;
  const sourceConfig = configOf(source);
  if (!sourceConfig) {
    if (source.kind !== 'files') throw new ParamsError('no images');
    if (source.paths.length > MAX_IMAGES) {
      throw new ParamsError(`${source.paths.length} files: at most ${MAX_IMAGES} at a time`);
    }
    return {
      items: await Promise.all(
        source.paths.map(async (file) => ({ image: await readImageFile(file), file })),
      ),
      harris: DEFAULT_HARRIS,
      scales: [1],
    };
  }
  const { config } = sourceConfig;
  const split = params.split ?? 'train';
  const ds = await loadSplit(config, split);
  let indices: number[];
  if (params.indices) {
    const bad = params.indices.find((i) => !Number.isInteger(i) || i < 0 || i >= ds.count);
    if (bad !== undefined) {
      throw new ParamsError(`index ${bad} is outside the ${split} split (0-${ds.count - 1})`);
    }
    indices = params.indices.slice(0, MAX_IMAGES);
  } else {
    const count = countParam(params.count, 16, MAX_IMAGES, 'count');
    const pool = split === 'train' ? pretextIndices(ds, sourceConfig) : undefined;
    indices = pool
      ? Array.from(pool.subarray(0, count))
      : Array.from({ length: Math.min(count, ds.count) }, (_, i) => i);
  }
  return {
    items: indices.map((index) => ({
      image: rasterAt(ds, index),
      index,
      label: ds.labels[index],
      className: ds.classNames[ds.labels[index]],
    })),
    harris: config.data.harris,
    scales: config.pretext.scales,
    dataset: ds.name,
  };
}

export async function harrisPreview(params: HarrisPreviewParams): Promise<HarrisPreviewResult> {
  const started = performance.now();
  const found = await itemsOf(params);
  const harris = { ...found.harris, ...params.harris };
  validateHarris(harris);
  if (![harris.k, harris.threshold].every(Number.isFinite)) {
    throw new ParamsError(`harris.k and harris.threshold must be numbers`);
  }
  const scales = checkScales(params.scales ?? found.scales);
  const color = checkColor(params.overlayColor ?? [...RED]);
  const pool = new DetectorPool(harris);
  const images = found.items.map((item): HarrisPreviewImage => {
    const views = scales.map((scale): HarrisPreviewView => {
      const v = viewsAtScale(item.image, scale, pool, color);
      return {
        scale,
        width: v.original.width,
        height: v.original.height,
        corners: v.corners,
        original: encodePngBase64(v.original),
        overlay: encodePngBase64(v.overlay),
        harris: encodePngBase64(v.harris),
        gray: encodePngBase64(v.gray),
        grayHarris: encodePngBase64(v.grayHarris),
        mask: encodePngBase64(v.mask),
      };
    });
    const largest = views.reduce((a, b) => (b.scale > a.scale ? b : a));
    return {
      index: item.index,
      label: item.label,
      className: item.className,
      file: item.file,
      corners: largest.corners,
      scales: views,
    };
  });
  return {
    harris,
    scales,
    dataset: found.dataset,
    split: found.dataset ? (params.split ?? 'train') : undefined,
    images,
    elapsedMs: performance.now() - started,
  };
}
