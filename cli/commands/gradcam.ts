/**
 * `scalenet gradcam <run> --images 0,5,9 | a.png b.png --stages stage1,stage2 --out <dir>`:
 * per image the input as the network saw it and one overlay per stage (PNG), plus
 * cams.json with the raw maps, predictions and the parameters used. Computed by the
 * sidecar (`gradcam/compute`), the same code the attention-map panel calls.
 */
import { writeFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import {
  GradcamComputeRequest,
  type BackendPreference,
  type DatasetSplit,
  type GradcamImages,
  type GradcamMethod,
  type GradcamTarget,
} from '../../sidecar/protocol';
import { openSession } from '../sidecarSession';
import { ensureDir, reportError, writeBase64 } from './inspectOutput';

export interface GradcamOptions {
  images: string[];
  out: string;
  stages?: string[];
  method?: GradcamMethod;
  target?: GradcamTarget;
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

export async function gradcamCommand(run: string, options: GradcamOptions): Promise<number> {
  const session = await openSession(options);
  try {
    const result = await Promise.race([
      session.connection.sendRequest(GradcamComputeRequest.type, {
        runDir: resolve(run),
        checkpoint: options.checkpoint,
        images: imagesOf(options.images, options.split),
        stages: options.stages ?? [],
        method: options.method,
        target: options.target,
        scale: options.scale,
      }),
      session.exited,
    ]);
    const dir = ensureDir(resolve(options.out));
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
    console.log(
      `Wrote ${images.length} image${images.length === 1 ? '' : 's'} x ${result.stages.join(', ')} (${result.method}, ${result.inputSize}px from ${result.checkpoint}) to ${dir} in ${result.elapsedMs.toFixed(0)} ms`,
    );
    return 0;
  } catch (error) {
    return reportError(error);
  } finally {
    await session.close();
  }
}
