/**
 * `model/map`: the test embeddings of a run (model/embed's images, standardisation and
 * pooled features) laid out in 2-D by UMAP (umap-js), per stage of the trunk, with each
 * image's nearest neighbours and the leave-one-out kNN accuracy of the stage. Seeded:
 * the same run and seed give the same coordinates.
 */
import { basename } from 'node:path';
import { UMAP } from 'umap-js';
import { extractFeatures, type FeatureMatrix } from '../eval/features';
import { ParamsError } from '../inspect/errors';
import { encodePngBase64 } from '../inspect/png';
import { namedOutputs } from '../models/buildModel';
import type { MapStage, ModelMapParams, ModelMapResult } from '../protocol';
import { createRng } from '../util/random';
import { requestImages } from './modelImages';
import { evaluationStats, loadPretext } from './runModel';

const DEFAULT_MAX_IMAGES = 1000;
const DEFAULT_K = 5;

/** Rows scaled to unit length, so a dot product is the cosine similarity. */
function normalised(m: FeatureMatrix): Float32Array {
  const out = new Float32Array(m.values.length);
  for (let i = 0; i < m.count; i++) {
    let sum = 0;
    for (let d = 0; d < m.dim; d++) sum += m.values[i * m.dim + d] ** 2;
    const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let d = 0; d < m.dim; d++) out[i * m.dim + d] = m.values[i * m.dim + d] * scale;
  }
  return out;
}

/** The k most similar other rows of each row (brute force: a map holds ~1000 images). */
export function nearestNeighbours(unit: Float32Array, count: number, dim: number, k: number) {
  const result: number[][] = [];
  const sims = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < count; j++) {
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += unit[i * dim + d] * unit[j * dim + d];
      sims[j] = j === i ? -Infinity : dot;
    }
    const order = Array.from({ length: count }, (_, j) => j)
      .sort((a, b) => sims[b] - sims[a] || a - b)
      .slice(0, Math.min(k, count - 1));
    result.push(order);
  }
  return result;
}

/** Majority class of the neighbours (ties: the nearer neighbour's class) against the label. */
export function leaveOneOutAccuracy(neighbours: number[][], labels: ArrayLike<number>): number {
  if (neighbours.length === 0) return 0;
  let correct = 0;
  neighbours.forEach((near, i) => {
    const votes = new Map<number, number>();
    for (const j of near) votes.set(labels[j], (votes.get(labels[j]) ?? 0) + 1);
    let best = -1;
    let most = 0;
    for (const j of near) {
      const n = votes.get(labels[j])!;
      if (n > most) [best, most] = [labels[j], n];
    }
    if (best === labels[i]) correct++;
  });
  return correct / neighbours.length;
}

function layout(m: FeatureMatrix, seed: number): [number, number][] {
  if (m.count < 3)
    return Array.from({ length: m.count }, (_, i) => [i / Math.max(1, m.count - 1), 0.5]);
  const rng = createRng(seed);
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.min(15, m.count - 1),
    minDist: 0.1,
    random: () => rng.next(),
  });
  const rows = Array.from({ length: m.count }, (_, i) =>
    Array.from(m.values.subarray(i * m.dim, (i + 1) * m.dim)),
  );
  const embedded = umap.fit(rows);
  const xs = embedded.map((p) => p[0]);
  const ys = embedded.map((p) => p[1]);
  const scale = (v: number, lo: number, hi: number) => (hi > lo ? (v - lo) / (hi - lo) : 0.5);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  return embedded.map((p) => [scale(p[0], x0, x1), scale(p[1], y0, y1)]);
}

export async function representationMap(params: ModelMapParams): Promise<ModelMapResult> {
  const started = performance.now();
  const k = params.k ?? DEFAULT_K;
  if (!Number.isInteger(k) || k < 1)
    throw new ParamsError(`k must be a whole number ≥ 1, got ${k}`);
  const net = await loadPretext(params.runDir, params.checkpoint);
  try {
    const stagesOf = namedOutputs(net.model).filter((n) => n.startsWith('stage'));
    const layers = params.layers ?? stagesOf;
    const unknown = layers.filter((l) => !namedOutputs(net.model).includes(l));
    if (layers.length === 0 || unknown.length > 0) {
      throw new ParamsError(
        `unknown layers ${unknown.join(', ')}: this model has ${namedOutputs(net.model).join(', ')}`,
      );
    }
    const { set: all, train } = await requestImages(
      { kind: 'split', split: 'test' },
      params.runDir,
      net.config,
    );
    const count = Math.min(all.count, params.maxImages ?? DEFAULT_MAX_IMAGES);
    const indices = Int32Array.from({ length: count }, (_, i) => i);
    const stats = await evaluationStats(params.runDir, net.config, train);
    const features = await extractFeatures(net.model, all, { stats }, { layers, indices });
    const seed = params.seed ?? net.config.seed;
    const labels = Array.from(all.labels.subarray(0, count));
    const stages: MapStage[] = layers.map((layer) => {
      const m = features.get(layer)!;
      const neighbours = nearestNeighbours(normalised(m), m.count, m.dim, k);
      return {
        layer,
        dim: m.dim,
        points: layout(m, seed),
        neighbours,
        knnAccuracy: leaveOneOutAccuracy(neighbours, labels),
      };
    });
    const plane = all.height * all.width * all.channels;
    const thumbnails = Array.from(
      { length: count },
      (_, i) =>
        'data:image/png;base64,' +
        encodePngBase64({
          data: Uint8Array.from(all.images.subarray(i * plane, (i + 1) * plane)),
          height: all.height,
          width: all.width,
          channels: all.channels,
        }),
    );
    return {
      runDir: params.runDir,
      runId: basename(params.runDir),
      method: net.config.method,
      scales: net.config.pretext.scales,
      checkpoint: net.checkpointDir,
      classNames: train.classNames,
      labels,
      thumbnails,
      k,
      stages,
      elapsedMs: performance.now() - started,
    };
  } finally {
    net.model.dispose();
  }
}
