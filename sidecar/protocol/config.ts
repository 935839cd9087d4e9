/**
 * The shape of a `*.scalenet.json` run config, as the sidecar resolves it. The
 * extension, the CLI and the sidecar all read this one definition; the JSON schema in
 * `schemas/scalenet.schema.json` describes the same fields for the editor.
 * Fields are optional in the file; `resolveConfig` (sidecar/config) fills defaults.
 */

/**
 * Where images come from. `embedded` is the Fashion-MNIST subset shipped with the extension;
 * `pool` is a folder of unlabelled PNG/JPEG images at any depth (pretext only).
 */
export type DatasetKind = 'embedded' | 'idx' | 'cifar10' | 'folder' | 'pool';

/** A labelled source: every dataset kind but the unlabelled pool. */
export type LabelledDatasetKind = Exclude<DatasetKind, 'pool'>;

/** The paper's "limited information" inputs. */
export type InputMode = 'original' | 'harris' | 'gray' | 'gray-harris' | 'hybrid';

export type Method = 'rotnet' | 'scalenet' | 'simclr';

export type BackendPreference = 'auto' | 'torch' | 'tensorflow' | 'wasm' | 'cpu';

export interface DataConfig {
  dataset: DatasetKind;
  /** Folder or file for `idx`, `cifar10`, `folder`; relative paths resolve against the config file. */
  path?: string;
  /** Channels the network sees: gray datasets are repeated to 3 when 3 is asked for. */
  channels: 1 | 3;
  /**
   * Side length folder images are resized to (other datasets keep their own size).
   * Resolved configs always have it (default 32); optional so hand-built configs need not.
   */
  imageSize?: number;
  /** Pretext images: at most this many training images (stratified, seeded). */
  limit?: number;
  /** Pretext images: exactly K per class (stratified, seeded). Exclusive with `limit`. */
  perClass?: number;
  /** Another run's subset.json to reuse (absolute once resolved); wins over limit/perClass. */
  subset?: string;
  inputMode: InputMode;
  /** Probability of a Harris image in `hybrid` mode. */
  hybridProbability: number;
  harris: HarrisParams;
}

export interface HarrisParams {
  blockSize: number;
  ksize: number;
  k: number;
  /** Corners are pixels whose response exceeds threshold x max response. */
  threshold: number;
}

export type Arch = 'resnet' | 'resnet18' | 'resnet34' | 'resnet50' | 'alexnet' | 'nin';

export interface ModelConfig {
  /** `resnet` is a small ResNet with `blocks` per stage and `widths` channels. */
  arch: Arch;
  blocks: number[];
  widths: number[];
  stem: 'cifar' | 'imagenet';
  /** Base width of resnet18/34/50, channels of nin. */
  width?: number;
  /** AlexNet layout. */
  variant: 'cifar' | 'imagenet';
  ninBlocks: number;
}

/** SGD with momentum and a step schedule, for a downstream classifier. */
export interface DownstreamSchedule {
  epochs: number;
  lr: number;
  milestones: number[];
  gamma: number;
  momentum: number;
  weightDecay: number;
  batchSize: number;
}

/**
 * The labelled set of the downstream evaluation when it is not the pretext source
 * (`evaluation.data`). Its images are read at the pretext's size and channels.
 */
export interface EvaluationDataConfig {
  dataset: LabelledDatasetKind;
  /** Folder or file; relative paths resolve against the config file. */
  path?: string;
  /**
   * Fraction of the labelled images held out as the test split (stratified, seeded, saved
   * in the run's evaluation-split.json) when the source has no test split of its own (a
   * class folder without `test/`).
   */
  testFraction: number;
}

export interface EvaluationConfig {
  /** The labelled set; leave out to evaluate on the pretext source's own labels. */
  data?: EvaluationDataConfig;
  testImages: number;
  knn: { enabled: boolean; k: number; temperature: number; bankImages: number };
  finetune: DownstreamSchedule & { labels: number[]; augment: boolean };
  linear: DownstreamSchedule & { labels: number[]; blocks: string[] };
}

/** One optimisation schedule; per-stage fields hold one entry per scale. */
export interface PretextConfig {
  /** Scale chain: ascending alphas ending at 1. RotNet is `[1]`, ScaleNet e.g. `[0.5, 1]`. */
  scales: number[];
  epochs: number[];
  lr: number[];
  batchSize: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  /** Epochs (within a stage) at which the learning rate is multiplied by `gamma`. */
  milestones: number[];
  gamma: number;
  /** Images held out of pretext training to measure pretext accuracy. */
  heldOut: number;
  /** Start the first stage from another run's trunk instead of random weights. */
  initFrom?: InitFrom;
}

/** A checkpoint of an earlier run to start from (transfer between runs). */
export interface InitFrom {
  /** The run folder; relative paths resolve against the config file. */
  run: string;
  /**
   * A checkpoint label under `<run>/checkpoints/` (`stage1`, `stage2`, `latest`); left
   * out: the run's last checkpoint (its summary's latestCheckpoint).
   */
  checkpoint?: string;
}

/**
 * SimCLR's own settings (`method: "simclr"`); the optimiser (Adam), learning rates,
 * epochs, batch size and scale chain come from `pretext`. Multi-scale SimCLR is
 * `pretext.scales: [0.5, 1]`.
 */
export interface SimclrConfig {
  /** NT-Xent temperature (0.5 in the paper). */
  temperature: number;
  /** Output size of the projection MLP. */
  projectionDim: number;
  /** Hidden units of the projection MLP; 0 = the trunk's feature dimension. */
  projectionHidden: number;
  /** Colour distortion strength s (0.5 for CIFAR-10). */
  colorStrength: number;
  /** Area range of the random resized crop, as fractions of the image. */
  cropScale: [number, number];
}

export interface ScaleNetConfig {
  name: string;
  seed: number;
  method: Method;
  backend: BackendPreference;
  data: DataConfig;
  model: ModelConfig;
  pretext: PretextConfig;
  simclr: SimclrConfig;
  evaluation: EvaluationConfig;
  /** Save a checkpoint every N epochs (and always at the end of each stage). */
  checkpointEvery: number;
  /** Where run folders go; relative paths resolve against the workspace (or the config's folder). */
  runsDir: string;
}
