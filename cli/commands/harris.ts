/**
 * `scalenet harris <images | config> --out <dir>`: per image the Harris image, the corner
 * mask and an overlay as PNG, plus corners.json (corners per image and the parameters
 * used). Computed by the sidecar (`harris/preview`), exactly as training computes them.
 */
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import {
  HarrisPreviewRequest,
  type BackendPreference,
  type DatasetSplit,
  type HarrisParams,
  type HarrisPreviewImage,
  type HarrisPreviewResult,
  type ImageSource,
} from '../../sidecar/protocol';
import { openSession } from '../sidecarSession';
import { ensureDir, reportError, writeBase64 } from './inspectOutput';

export interface HarrisOptions {
  out: string;
  blockSize?: number;
  ksize?: number;
  k?: number;
  threshold?: number;
  count?: number;
  scales?: number[];
  split?: DatasetSplit;
  backend?: BackendPreference;
  verbose?: boolean;
}

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg']);

/** One *.json is a config; anything else is image files or folders of them. */
function sourceOf(inputs: string[]): ImageSource {
  if (inputs.length === 1 && extname(inputs[0]).toLowerCase() === '.json') {
    return { kind: 'config', configPath: resolve(inputs[0]) };
  }
  const paths = inputs.flatMap((input) => {
    const path = resolve(input);
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      // A missing file: the sidecar reports it, naming the path.
    }
    if (!isDir) return [path];
    return readdirSync(path)
      .filter((f) => IMAGE_EXT.has(extname(f).toLowerCase()))
      .sort()
      .map((f) => join(path, f));
  });
  return { kind: 'files', paths };
}

/** File names: the image's own name (made unique), or split-index for datasets. */
function namesOf(result: HarrisPreviewResult): string[] {
  const seen = new Map<string, number>();
  return result.images.map((img) => {
    const base = img.file
      ? basename(img.file, extname(img.file))
      : `${result.split ?? 'train'}-${img.index}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return n === 0 ? base : `${base}-${n + 1}`;
  });
}

function writeImage(dir: string, name: string, img: HarrisPreviewImage, manyScales: boolean) {
  const scales = img.scales.map((view) => {
    const stem = manyScales ? `${name}-s${view.scale}` : name;
    return {
      scale: view.scale,
      width: view.width,
      height: view.height,
      corners: view.corners,
      harris: writeBase64(dir, `${stem}-harris.png`, view.harris),
      mask: writeBase64(dir, `${stem}-mask.png`, view.mask),
      overlay: writeBase64(dir, `${stem}-overlay.png`, view.overlay),
    };
  });
  const { file, index, label, className, corners } = img;
  return { name, file, index, label, className, corners, scales };
}

export async function harrisCommand(inputs: string[], options: HarrisOptions): Promise<number> {
  const harris: Partial<HarrisParams> = {};
  if (options.blockSize !== undefined) harris.blockSize = options.blockSize;
  if (options.ksize !== undefined) harris.ksize = options.ksize;
  if (options.k !== undefined) harris.k = options.k;
  if (options.threshold !== undefined) harris.threshold = options.threshold;
  const session = await openSession(options);
  try {
    const result = await session.request(HarrisPreviewRequest.type, {
      source: sourceOf(inputs),
      count: options.count,
      split: options.split,
      harris,
      scales: options.scales ?? [1],
    });
    const dir = ensureDir(resolve(options.out));
    const names = namesOf(result);
    const images = result.images.map((img, i) =>
      writeImage(dir, names[i], img, result.scales.length > 1),
    );
    const report = {
      parameters: result.harris,
      scales: result.scales,
      dataset: result.dataset,
      split: result.split,
      images,
    };
    writeFileSync(join(dir, 'corners.json'), `${JSON.stringify(report, null, 2)}\n`);
    for (const img of images) {
      const sizes = img.scales.map((s) => `${s.width}x${s.height}: ${s.corners}`).join(', ');
      console.log(
        `${img.name.padEnd(24)} corners ${sizes}${img.className ? ` (${img.className})` : ''}`,
      );
    }
    const p = result.harris;
    console.log(
      `Wrote ${images.length} image${images.length === 1 ? '' : 's'} to ${dir} (blockSize ${p.blockSize}, ksize ${p.ksize}, k ${p.k}, threshold ${p.threshold}; ${result.elapsedMs.toFixed(0)} ms)`,
    );
    return 0;
  } catch (error) {
    return reportError(error);
  } finally {
    await session.close();
  }
}
