/**
 * What the evaluators take: plain labelled image sets and the preprocessing the trunk
 * was trained with, never the run config (the caller maps config → options), plus the
 * hooks every long evaluation accepts: cancellation and progress.
 */
import type { Pixels } from '../transforms/resize';
import type { ChannelStats } from '../transforms/standardize';

/** N images of H x W x C (HWC per image) and their class labels; ImageDataset is one. */
export interface LabelledImages {
  images: Pixels;
  labels: ArrayLike<number>;
  count: number;
  height: number;
  width: number;
  channels: number;
}

/** How images become network inputs: resize by alpha, then standardise with `stats`. */
export interface InputPrep {
  /** Per-channel mean/std (computeChannelStats), as the trunk saw its training inputs. */
  stats: ChannelStats;
  /** ScaleNet scale of the inputs; 1 (full size) by default. */
  alpha?: number;
}

export interface EvalProgress {
  phase: 'features' | 'train' | 'test';
  /** The block being probed (linear probe) when there is one. */
  block?: string;
  /** 0-based epoch while training a classifier. */
  epoch?: number;
  done: number;
  total: number;
}

export interface EvalHooks {
  /** Checked between batches; an aborted evaluation throws the signal's reason. */
  signal?: AbortSignal;
  /** Called once per batch; throttle it on the caller's side (train/throttle.ts). */
  onProgress?: (progress: EvalProgress) => void;
}

/** SGD with momentum and a step schedule, as the paper's protocols specify. */
export interface SgdSchedule {
  epochs: number;
  lr: number;
  /** Epochs at which the rate is multiplied by `gamma` (the paper: x0.2 at 80/160/200). */
  milestones: number[];
  gamma: number;
  momentum: number;
  nesterov?: boolean;
  /** L2 on kernels (not biases or batch-norm scales), like the pretext trainer. */
  weightDecay: number;
  batchSize: number;
}
