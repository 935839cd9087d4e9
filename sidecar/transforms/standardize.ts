/**
 * Standardisation with per-channel mean and std of the training subset (population
 * std, like torchvision's usual recipe). The stats are plain numbers so the run can
 * store them in its folder and evaluation can reuse exactly the same ones.
 */
import type { ImageSet } from './types';
import type { Pixels } from './resize';

export interface ChannelStats {
  mean: number[];
  std: number[];
}

/** Mean and std per channel over the images at `indices` (all images when omitted). */
export function computeChannelStats(set: ImageSet, indices?: ArrayLike<number>): ChannelStats {
  const c = set.channels;
  const size = set.height * set.width * c;
  const sum = new Float64Array(c);
  const sumSq = new Float64Array(c);
  const n = indices ? indices.length : set.count;
  for (let i = 0; i < n; i++) {
    const off = (indices ? indices[i] : i) * size;
    for (let p = 0; p < size; p += c) {
      for (let ch = 0; ch < c; ch++) {
        const v = set.images[off + p + ch];
        sum[ch] += v;
        sumSq[ch] += v * v;
      }
    }
  }
  const pixels = n * set.height * set.width;
  const mean = Array.from(sum, (s) => s / pixels);
  // A constant channel (e.g. all-black images) gets std 1 so that standardising stays finite.
  const std = Array.from(sumSq, (s, ch) => Math.sqrt(Math.max(0, s / pixels - mean[ch] ** 2)) || 1);
  return { mean, std };
}

/** (x - mean) / std per channel, from `src` into `out` (may be the same array). */
export function standardize(
  src: Pixels,
  channels: number,
  stats: ChannelStats,
  out: Float32Array,
): Float32Array {
  const inv = stats.std.map((s) => 1 / s);
  for (let i = 0; i < src.length; i += channels) {
    for (let ch = 0; ch < channels; ch++) out[i + ch] = (src[i + ch] - stats.mean[ch]) * inv[ch];
  }
  return out;
}
