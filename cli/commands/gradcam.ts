/**
 * `scalenet gradcam <runs...> --images 0,5,9 | a.png b.png --stages stage1,stage2 --out <dir>`:
 * per image the input as the network saw it and one overlay per stage (PNG), plus
 * cams.json with the raw maps, predictions and the parameters used. `--model classifier
 * --class cat` explains a kept fine-tuned classifier instead of the rotation head, and
 * `--grid fig.png` lays several runs out as the paper's Fig. 3 (rows = runs per image,
 * columns = stages). Computed by the sidecar (`gradcam/compute`), the same code the
 * attention-map panel calls.
 */
import { writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import {
  GradcamComputeRequest,
  type BackendPreference,
  type DatasetSplit,
  type GradcamComputeResult,
  type GradcamImages,
  type GradcamMethod,
  type GradcamModelKind,
  type GradcamTarget,
} from '../../sidecar/protocol';
import { openSession, type Session } from '../sidecarSession';
import { composeGrid, defaultZoom } from './gradcamGrid';
import { ensureDir, reportError, writeBase64 } from './inspectOutput';

export interface GradcamOptions {
  images: string[];
  out?: string;
  grid?: string;
  zoom?: number;
  stages?: string[];
  method?: GradcamMethod;
  target?: GradcamTarget;
  model?: GradcamModelKind;
  labels?: number;
  class?: string;
  checkpoint?: string;
  split?: DatasetSplit;
  scale?: number;
  backend?: BackendPreference;
  verbose?: boolean;
}

/** "predicted", a class index ("3") or a rotation ("rotation:1"). */
export function parseTarget(value: string): GradcamTarget {
  if (value === 'predicted') return { kind: 'predicted' };
  const rotation = /^rotation:([0-3])$/.exec(value);
  if (rotation) return { kind: 'rotation', rotation: Number(rotation[1]) as 0 | 1 | 2 | 3 };
  if (/^\d+$/.test(value)) return { kind: 'class', index: Number(value) };
  throw new InvalidArgumentError('predicted, a class index, or rotation:0..3');
}

/** Indices ("0,5,9" or "0 5 9") are dataset images; anything else is image files. */
export function imagesOf(inputs: string[], split?: DatasetSplit): GradcamImages {
  const parts = inputs.flatMap((i) => i.split(',')).filter(Boolean);
  if (parts.length > 0 && parts.every((p) => /^\d+$/.test(p))) {
    return { kind: 'dataset', indices: parts.map(Number), split };
  }
  return { kind: 'files', paths: inputs.map((p) => resolve(p)) };
}

function compute(session: Session, run: string, options: GradcamOptions) {
  return session.request(GradcamComputeRequest.type, {
    runDir: resolve(run),
    checkpoint: options.checkpoint,
    images: imagesOf(options.images, options.split),
    stages: options.stages ?? [],
    method: options.method,
    target: options.target,
    scale: options.scale,
    model: options.model,
    labels: options.labels,
    targetClass: options.class,
  });
}

/** The overlays and cams.json of one run into `dir`. */
function writeRun(dir: string, result: GradcamComputeResult): void {
  ensureDir(dir);
  const images = result.images.map((img, i) => {
    const name =
      img.index !== undefined
        ? `image-${img.index}`
        : `${i + 1}-${basename(img.name ?? 'image', extname(img.name ?? ''))}`;
    const maps = img.maps.map(({ overlay, ...map }) => ({
      ...map,
      overlay: writeBase64(dir, `${name}-${map.stage}.png`, overlay),
    }));
    const { image, ...rest } = img;
    return { ...rest, image: writeBase64(dir, `${name}.png`, image), maps };
  });
  writeFileSync(join(dir, 'cams.json'), `${JSON.stringify({ ...result, images }, null, 1)}\n`);
  for (const img of images) {
    const label = img.className ? ` (${img.className})` : '';
    console.log(
      `${(img.index !== undefined ? `#${img.index}` : (img.name ?? '')).padEnd(10)}${label} predicted ${img.predicted.name} ${(100 * img.predicted.probability).toFixed(1)}%, explaining ${img.target.name}`,
    );
  }
  const what = result.model === 'classifier' ? `classifier, ${result.labels} labels` : 'pretext';
  console.log(
    `Wrote ${images.length} image${images.length === 1 ? '' : 's'} x ${result.stages.join(', ')} (${result.method}, ${what}, ${result.inputSize}px from ${result.checkpoint}) to ${dir} in ${result.elapsedMs.toFixed(0)} ms`,
  );
}

export async function gradcamCommand(runs: string[], options: GradcamOptions): Promise<number> {
  if (!options.out && !options.grid) {
    console.error('Give --out <dir> for overlays, --grid <file.png> for one figure, or both.');
    return 2;
  }
  let session: Session | undefined;
  try {
    session = await openSession(options);
    const results: { run: string; result: GradcamComputeResult }[] = [];
    for (const run of runs) results.push({ run, result: await compute(session, run, options) });
    if (options.out) {
      const out = resolve(options.out);
      // One run writes into --out itself (as before); several get a folder each.
      for (const { run, result } of results) {
        writeRun(runs.length === 1 ? out : join(out, basename(resolve(run))), result);
      }
    }
    if (options.grid) {
      const file = resolve(options.grid);
      const zoom = options.zoom ?? defaultZoom(results.map((r) => r.result));
      const { png, layout } = composeGrid(
        results.map(({ run, result }) => ({ run: basename(resolve(run)), result })),
        zoom,
      );
      ensureDir(dirname(file));
      writeFileSync(file, png);
      writeFileSync(file.replace(/\.png$/i, '') + '.json', `${JSON.stringify(layout, null, 1)}\n`);
      console.log(
        `Wrote ${file}: ${layout.rows.length} rows (${runs.length} run${runs.length === 1 ? '' : 's'} per image) x ${layout.columns.length} columns (${layout.columns.join(', ')}), ${layout.width}x${layout.height} px`,
      );
    }
    return 0;
  } catch (error) {
    return reportError(error);
  } finally {
    await session?.close();
  }
}
