/**
 * The chosen subset as a JSON file in the run folder (`subset.json`), so another run can
 * reuse exactly the same images and compared runs see the same data. Writing it is the
 * run store's job (atomically); this file only defines the format and checks a file
 * against the dataset it is applied to, since indices into a different dataset would
 * silently train on other images.
 */
import { DataError } from './errors';
import type { ImageDataset } from './types';

export interface SubsetRecord {
  version: 1;
  /** ImageDataset.name and count of the dataset the indices point into. */
  dataset: string;
  datasetCount: number;
  seed: number;
  limit?: number;
  perClass?: number;
  /** Pretext training images (sorted). */
  indices: number[];
  /** Test-split images that measure pretext accuracy (sorted). */
  heldOut: number[];
  /** Size of the test split `heldOut` points into. */
  testCount: number;
}

export function serializeSubset(record: SubsetRecord): string {
  return JSON.stringify(record) + '\n';
}

/** Parses and validates a subset file against `ds`; every problem is a DataError on `file`. */
export function parseSubset(
  text: string,
  file: string,
  ds: Pick<ImageDataset, 'name' | 'count'>,
  test: Pick<ImageDataset, 'count'>,
): SubsetRecord {
  const fix = 'Use a subset.json written by a run on the same dataset, or remove the reuse setting';
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new DataError(
      file,
      `not valid JSON (${e instanceof Error ? e.message : String(e)})`,
      fix,
    );
  }
  const r = raw as Partial<SubsetRecord>;
  if (r.version !== 1 || !Array.isArray(r.indices) || !Array.isArray(r.heldOut)) {
    throw new DataError(
      file,
      'not a ScaleNet subset file (version 1 with indices and heldOut)',
      fix,
    );
  }
  if (r.dataset !== ds.name || r.datasetCount !== ds.count) {
    throw new DataError(
      file,
      `written for dataset "${String(r.dataset)}" (${String(r.datasetCount)} images), ` +
        `but this run loads "${ds.name}" (${ds.count} images)`,
      fix,
    );
  }
  if (r.testCount !== test.count) {
    throw new DataError(
      file,
      `written for a test split of ${String(r.testCount)} images, but this run has ${test.count}`,
      fix,
    );
  }
  for (const [field, list, count] of [
    ['indices', r.indices, ds.count],
    ['heldOut', r.heldOut, test.count],
  ] as const) {
    const seen = new Set<number>();
    for (const i of list) {
      if (!Number.isInteger(i) || i < 0 || i >= count) {
        throw new DataError(file, `${field} holds ${String(i)}, outside 0..${count - 1}`, fix);
      }
      if (seen.has(i)) throw new DataError(file, `${field} lists image ${i} twice`, fix);
      seen.add(i);
    }
  }
  return r as SubsetRecord;
}
