/**
 * Pooled features of named layers (`stage2`, `block4`, `pool`...) for a set of images, in
 * inference mode (batch-norm moving statistics, no weight changes). Spatial maps are
 * global-average-pooled to one vector per image, as the trunk's own head sees them.
 */
import * as tf from '@tensorflow/tfjs';
import { outputsModel } from '../models/buildModel';
import { allIndices, checkpointLoop, chunks, inputBatch } from './batches';
import type { EvalHooks, InputPrep, LabelledImages } from './types';

/** Row-major [count, dim] feature matrix of one layer. */
export interface FeatureMatrix {
  layer: string;
  count: number;
  dim: number;
  values: Float32Array;
}

export interface FeatureOptions extends EvalHooks {
  /** Layer names; their outputs are 4D maps (pooled here) or 2D vectors (kept). */
  layers: string[];
  /** Positions in the set; all images in order by default. */
  indices?: ArrayLike<number>;
  batchSize?: number;
}

/**
 * A [n, dim] vector per layer output. Global average pooling as an avgPool with the
 * map's own size: wasm's Mean over H, W transposes the whole map first.
 */
function pooled(output: tf.Tensor): tf.Tensor2D {
  if (output.rank === 2) return output as tf.Tensor2D;
  const map = output as tf.Tensor4D;
  const [n, h, w, c] = map.shape;
  return tf.reshape(tf.avgPool(map, [h, w], 1, 'valid'), [n, c]);
}

export async function extractFeatures(
  model: tf.LayersModel,
  set: LabelledImages,
  prep: InputPrep,
  options: FeatureOptions,
): Promise<Map<string, FeatureMatrix>> {
  const indices = options.indices ?? allIndices(set.count);
  const batchSize = options.batchSize ?? 64;
  // Shares the trunk's layers: it must never be disposed (that would free the trunk's weights).
  const probe = outputsModel(model, options.layers);
  const result = new Map<string, FeatureMatrix>();
  let done = 0;
  for (const chunk of chunks(indices, batchSize)) {
    await checkpointLoop(options.signal);
    const batch = inputBatch(set, chunk, prep);
    // Tensors leave tidy and are read outside it: tidy walks a returned dataSync array.
    const vectors = tf.tidy(() => {
      const x = tf.tensor4d(batch.x, [batch.count, batch.height, batch.width, batch.channels]);
      const out = probe.predict(x);
      return (Array.isArray(out) ? out : [out]).map(pooled);
    });
    try {
      vectors.forEach((v, i) => {
        const layer = options.layers[i];
        const dim = v.shape[1];
        let matrix = result.get(layer);
        if (!matrix) {
          matrix = {
            layer,
            count: indices.length,
            dim,
            values: new Float32Array(indices.length * dim),
          };
          result.set(layer, matrix);
        }
        matrix.values.set(v.dataSync(), done * dim);
      });
    } finally {
      tf.dispose(vectors);
    }
    done += chunk.length;
    options.onProgress?.({ phase: 'features', done, total: indices.length });
  }
  return result;
}
