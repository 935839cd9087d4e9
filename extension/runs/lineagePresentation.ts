/**
 * Where a run's weights and images came from, as the Runs view tells it: the run its
 * first stage started from (a chain of transfers followed to its root), and the counts of
 * its pretext pool and labelled set with any leak between them. No `vscode` import.
 */
import type { DataSourcesRecord, RunLineage } from '../../sidecar/protocol/index';

/** ["← scale-20261201-120000"] for the description: the run it started from; [] for none. */
export function lineageDescription(lineage: RunLineage | undefined): string[] {
  return lineage ? [`← ${lineage.runId}`] : [];
}

/** One tooltip line per ancestor, nearest first. */
export function lineageLines(lineage: RunLineage | undefined): string[] {
  const lines: string[] = [];
  for (let at = lineage, depth = 0; at && depth < 16; at = at.from, depth++) {
    lines.push(
      `${depth === 0 ? 'started from' : 'which started from'} ${at.runId} ` +
        `(${at.method} [${at.scales.join(', ')}] on ${at.dataset}, checkpoint ${at.checkpoint}, ` +
        `${at.copiedLayers}/${at.weightedLayers} layers copied)`,
    );
  }
  return lines;
}

export function sourcesLines(sources: DataSourcesRecord | undefined): string[] {
  if (!sources) return [];
  const sum = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
  const { pretext, evaluation, leaks } = sources;
  const lines = [
    `pretext images: ${pretext.images} (${pretext.dataset})`,
    `labelled: ${sum(evaluation.trainPerClass)} train / ${sum(evaluation.testPerClass)} test, ` +
      `${evaluation.classNames.length} classes (${evaluation.dataset})`,
  ];
  if (leaks && leaks.count > 0) {
    lines.push(
      `⚠ ${leaks.count} labelled images are also pretext images (${leaks.testCount} test)`,
    );
  }
  return lines;
}
