/**
 * `scalenet predict RUN [IMAGES...] [--split test] --out preds.csv`: a kept fine-tuned
 * classifier's prediction and class probabilities per image, with the accuracy where
 * the images' labels are known. Computed by the sidecar (`model/predict`).
 */
import { resolve } from 'node:path';
import { ModelPredictRequest, type BackendPreference } from '../../sidecar/protocol';
import { openSession, type Session } from '../sidecarSession';
import { reportError } from './inspectOutput';
import { modelImagesOf, type ImagesOptions } from './modelImages';

export interface PredictOptions extends ImagesOptions {
  out: string;
  labels?: number;
  backend?: BackendPreference;
  verbose?: boolean;
}

export async function predictCommand(
  run: string,
  inputs: string[],
  options: PredictOptions,
): Promise<number> {
  let session: Session | undefined;
  try {
    const images = modelImagesOf(inputs, options);
    session = await openSession(options);
    const result = await session.request(ModelPredictRequest.type, {
      runDir: resolve(run),
      labels: options.labels,
      images,
      outFile: resolve(options.out),
    });
    const counts = result.classNames
      .map((name, k) => `${name} ${result.predictedCounts[k]}`)
      .join(', ');
    console.log(
      `Predicted ${result.count} images with the ${result.labels}-label classifier: ${counts}`,
    );
    if (result.accuracy !== undefined) {
      console.log(
        `Accuracy on the ${result.labelled} labelled images: ${(100 * result.accuracy).toFixed(2)}%`,
      );
    }
    console.log(`Wrote ${result.file} in ${result.elapsedMs.toFixed(0)} ms`);
    return 0;
  } catch (error) {
    return reportError(error);
  } finally {
    await session?.close();
  }
}
