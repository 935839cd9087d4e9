/**
 * `data/preview`: one PNG grid of what the network will see, a row per image and a
 * column per (scale, input mode), made with the trainer's own steps: resize by alpha to
 * bytes, then the input mode (hybrid as the first epoch chooses, by subset position).
 */
import { throwIfCancelled, type Cancellable } from '../util/cancellation';
import { loadConfigFileAsync } from '../config/loadConfigFile';
import type {
  DataPreviewColumn,
  DataPreviewParams,
  DataPreviewResult,
  InputMode,
} from '../protocol';
import { applyInputModeInto, HarrisCache, type InputModeContext } from '../transforms/inputMode';
import type { ImageSet } from '../transforms/types';
import { countParam, ParamsError } from './errors';
import { composeGrid, encodePngBase64, gridSize, type Raster } from './png';
import { loadSplit, pretextIndices, rasterAt } from './source';
import { resizeRaster } from './views';

const MODES: InputMode[] = ['original', 'harris', 'gray', 'gray-harris', 'hybrid'];
const MAX_ROWS = 64;
const MAX_CELL = 512;
const SEPARATOR = 2;
/** The default zoom makes cells at least this big: a 28-pixel image becomes 84. */
const MIN_CELL = 64;

/** The chosen images at one scale, packed as a set so the input-mode code can index it. */
function packed(images: Raster[], scale: number, name: string): ImageSet {
  const resized = images.map((img) => resizeRaster(img, scale));
  const { height, width, channels } = resized[0];
  const data = new Uint8Array(resized.length * height * width * channels);
  resized.forEach((r, i) => data.set(r.data, i * r.data.length));
  return {
    name: `${name}@${height}`,
    images: data,
    count: resized.length,
    height,
    width,
    channels,
  };
}

export async function dataPreview(
  params: DataPreviewParams,
  token?: Cancellable,
): Promise<DataPreviewResult> {
  const source = {
    config: await loadConfigFileAsync(params.configPath, params.config),
    file: params.configPath,
  };
  const { config } = source;
  const train = await loadSplit(config, 'train');
  await throwIfCancelled(token, () => 'reading the data, before any of its columns');
  const count = countParam(params.count, 8, MAX_ROWS, 'count');
  if (count < 1) throw new ParamsError('count must be at least 1');
  const positions = Array.from(pretextIndices(train, source).subarray(0, count));
  const zoom = params.zoom ?? Math.ceil(MIN_CELL / train.height);
  const cellSize = train.height * zoom;
  if (!Number.isInteger(zoom) || zoom < 1 || cellSize > MAX_CELL) {
    throw new ParamsError(
      `zoom must be an integer from 1 to ${Math.floor(MAX_CELL / train.height)}`,
    );
  }
  const context: InputModeContext = {
    harris: config.data.harris,
    hybridProbability: config.data.hybridProbability,
    seed: config.seed,
    epoch: 0,
    cache: new HarrisCache(),
  };
  const originals = positions.map((index) => rasterAt(train, index));
  const columns: DataPreviewColumn[] = [];
  const cells: Raster[][] = positions.map(() => []);
  const total = config.pretext.scales.length * MODES.length;
  for (const scale of config.pretext.scales) {
    // Set index i is subset position i, which is what the trainer's hybrid choice keys on.
    const set = packed(originals, scale, train.name);
    const bytes = set.height * set.width * set.channels;
    for (const mode of MODES) {
      columns.push({ mode, scale, size: set.height });
      for (let i = 0; i < positions.length; i++) {
        await throwIfCancelled(token, () => `${columns.length - 1} of ${total} columns`);
        const data = new Uint8Array(bytes);
        applyInputModeInto(set, i, mode, context, data, 0);
        cells[i].push({ data, height: set.height, width: set.width, channels: set.channels });
      }
    }
  }
  const layout = {
    rows: positions.length,
    columns: columns.length,
    cellSize,
    separator: SEPARATOR,
  };
  const grid = composeGrid(cells, layout);
  return {
    png: encodePngBase64(grid),
    ...gridSize(layout),
    cellSize,
    separator: SEPARATOR,
    rows: positions.map((index) => ({
      index,
      label: train.labels[index],
      className: train.classNames[train.labels[index]],
    })),
    columns,
  };
}
