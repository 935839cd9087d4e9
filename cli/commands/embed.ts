/**
 * `scalenet embed RUN [IMAGES...] [--split test] --stage N --out features.npy`: the
 * trunk's pooled features as a [count, dim] float32 NumPy file, and features.csv with
 * the file name and label (where known) of each row, for scikit-learn, PyTorch or a
 * spreadsheet. Computed by the sidecar (`model/embed`).
 */
import { resolve } from 'node:path';
import { ModelEmbedRequest, type BackendPreference } from '../../sidecar/protocol';
import { openSession, type Session } from '../sidecarSession';
import { reportError } from './inspectOutput';
import { modelImagesOf, type ImagesOptions } from './modelImages';

export interface EmbedOptions extends ImagesOptions {
  out: string;
  /** 1-based stage (`stageN`) or a layer name (`block3`, `pool`). */
  stage?: string;
  checkpoint?: string;
  backend?: BackendPreference;
  verbose?: boolean;
}

export function layerOf(stage: string | undefined): string | undefined {
  if (stage === undefined) return undefined;
  return /^\d+$/.test(stage) ? `stage${stage}` : stage;
}

export async function embedCommand(
  run: string,
  inputs: string[],
  options: EmbedOptions,
): Promise<number> {
  let session: Session | undefined;
  try {
    const images = modelImagesOf(inputs, options);
    const out = resolve(options.out);
    session = await openSession(options);
    const result = await session.request(ModelEmbedRequest.type, {
      runDir: resolve(run),
      checkpoint: options.checkpoint,
      layer: layerOf(options.stage),
      images,
      outFile: out.toLowerCase().endsWith('.npy') ? out : `${out}.npy`,
    });
    console.log(
      `Wrote ${result.count} x ${result.dim} features (${result.layer}, ${result.labelled} labelled) to ${result.file} and ${result.csvFile} in ${result.elapsedMs.toFixed(0)} ms`,
    );
    return 0;
  } catch (error) {
    return reportError(error);
  } finally {
    await session?.close();
  }
}
