/**
 * What a run learned from and was measured on, saved in its summary (`sources`) and told
 * before training starts (the CLI prints it): the pretext images, the labelled images per
 * class and split, and any labelled image that is also a pretext image (a leak: the
 * downstream test then measures memory of a pretext image, not transfer). Pure types.
 */

export interface PretextSourceRecord {
  /** `pool:<folder>`, `folder:<folder>:train`, `fashion-mnist-train`... */
  dataset: string;
  /** Images in the source. */
  images: number;
  /** Images the pretext trains on, and those held out to measure its accuracy. */
  trainImages: number;
  heldOutImages: number;
  /** Whether the source's labels are used by the pretext (never: it is self-supervised). */
  labelsIgnored: true;
}

export interface EvaluationSourceRecord {
  dataset: string;
  classNames: string[];
  /** Labelled images per class (index = class) in the training and test splits. */
  trainPerClass: number[];
  testPerClass: number[];
  /**
   * `own`: the source's own train/test splits; `seeded`: a stratified split of a folder
   * without test/, saved in the run's evaluation-split.json; `pretext`: the pretext
   * source's own labels (no evaluation.data).
   */
  split: 'own' | 'seeded' | 'pretext';
  testFraction?: number;
}

/** One labelled image whose pixels (at the training size) equal a pretext image's. */
export interface LeakExample {
  split: 'train' | 'test';
  /** Index in that split, and its class name. */
  index: number;
  className: string;
  /** The pretext image it equals: its file when the source has files, else its index. */
  pretext: string;
}

export interface LeakRecord {
  /** Labelled images (both splits) that also sit in the pretext's training images. */
  count: number;
  /** Of which in the test split: these inflate the reported accuracy most. */
  testCount: number;
  /** The first few, for the message. */
  examples: LeakExample[];
}

export interface DataSourcesRecord {
  pretext: PretextSourceRecord;
  evaluation: EvaluationSourceRecord;
  /** Present when labelled images were compared with a separate pretext source. */
  leaks?: LeakRecord;
}

/** A run this run's first stage started from (`pretext.initFrom`). */
export interface RunLineage {
  /** The source run's folder and id (its folder name). */
  run: string;
  runId: string;
  /** The checkpoint label it started from, e.g. `stage2`. */
  checkpoint: string;
  /** The source run's method, scales and dataset, for the Runs view. */
  method: string;
  scales: number[];
  dataset: string;
  /** Layers whose weights were copied, of the layers with weights in this run's model. */
  copiedLayers: number;
  weightedLayers: number;
  /** The source's own lineage, so a chain of transfers can be followed. */
  from?: RunLineage;
}

/** The lines the CLI and the New Config flow show before training. */
export function describeSources(record: DataSourcesRecord): string[] {
  const { pretext, evaluation, leaks } = record;
  const perClass = (counts: number[]) =>
    evaluation.classNames.map((name, i) => `${name} ${counts[i] ?? 0}`).join(', ');
  const sum = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
  const splitWords =
    evaluation.split === 'seeded'
      ? `seeded stratified split, ${Math.round((evaluation.testFraction ?? 0) * 100)}% test`
      : evaluation.split === 'own'
        ? 'its own train/test splits'
        : 'the pretext source’s labels';
  const lines = [
    `pretext: ${pretext.images} images in ${pretext.dataset} (labels ignored): ` +
      `${pretext.trainImages} train, ${pretext.heldOutImages} held out`,
    `evaluation: ${evaluation.dataset}, ${evaluation.classNames.length} classes (${splitWords})`,
    `  train ${sum(evaluation.trainPerClass)}: ${perClass(evaluation.trainPerClass)}`,
    `  test ${sum(evaluation.testPerClass)}: ${perClass(evaluation.testPerClass)}`,
  ];
  if (leaks && leaks.count > 0) {
    const shown = leaks.examples
      .map((e) => `${e.split} #${e.index} (${e.className}) = ${e.pretext}`)
      .join('; ');
    lines.push(
      `warning: ${leaks.count} labelled images (${leaks.testCount} of them test images) are also pretext images: ${shown}`,
    );
  }
  return lines;
}
