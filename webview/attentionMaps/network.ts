/**
 * Which network the maps explain and which of its outputs: the pretext network (its
 * rotation head: "why 90°") or a classifier a run fine-tuned and kept ("why *cat*"),
 * with the class to explain. Pure: the options and the request fields, no DOM.
 */
import type { GradcamTarget } from '../../sidecar/protocol';
import type { AttentionRequest, AttentionRun } from '../protocol';

export const PRETEXT = 'pretext';
const CLASSIFIER_PREFIX = 'classifier@';

export interface Option {
  value: string;
  label: string;
}

/** The label budget of a `classifier@<labels>` choice; undefined for the pretext network. */
function classifierLabels(network: string): number | undefined {
  return network.startsWith(CLASSIFIER_PREFIX)
    ? Number(network.slice(CLASSIFIER_PREFIX.length))
    : undefined;
}

/** The pretext network, then every label budget one of `runs` kept a classifier for. */
export function networkOptions(runs: AttentionRun[]): Option[] {
  const budgets = [...new Set(runs.flatMap((r) => r.classifiers.map((c) => c.labels)))].sort(
    (a, b) => a - b,
  );
  return [
    { value: PRETEXT, label: 'pretext network (rotation head)' },
    ...budgets.map((labels) => ({
      value: `${CLASSIFIER_PREFIX}${labels}`,
      label: `classifier fine-tuned on ${labels} labels`,
    })),
  ];
}

/** A saved or given choice that `runs` still offer, else the pretext network. */
export function knownNetwork(runs: AttentionRun[], network: string | undefined): string {
  return networkOptions(runs).some((o) => o.value === network) ? network! : PRETEXT;
}

/**
 * The outputs to explain: the predicted one, then the four rotations (pretext) or the
 * classes of the chosen classifiers (their names, in head order, first run first).
 */
export function targetOptions(runs: AttentionRun[], network: string): Option[] {
  const labels = classifierLabels(network);
  if (labels === undefined) {
    return [
      { value: 'predicted', label: 'predicted rotation' },
      ...[0, 1, 2, 3].map((r) => ({ value: `rotation:${r}`, label: `rotation ${90 * r}°` })),
    ];
  }
  const names = runs.flatMap((r) =>
    r.classifiers.filter((c) => c.labels === labels).flatMap((c) => c.classNames),
  );
  return [
    { value: 'predicted', label: 'predicted class' },
    ...[...new Set(names)].map((name) => ({ value: `class:${name}`, label: name })),
  ];
}

/** A saved target that the network still offers, else the predicted output. */
export function knownTarget(runs: AttentionRun[], network: string, target?: string): string {
  return targetOptions(runs, network).some((o) => o.value === target) ? target! : 'predicted';
}

/** The request's fields for a network and target choice. */
export function requestFields(
  network: string,
  target: string,
): Pick<AttentionRequest, 'model' | 'labels' | 'target' | 'targetClass'> {
  const labels = classifierLabels(network);
  const rotation: GradcamTarget = target.startsWith('rotation:')
    ? { kind: 'rotation', rotation: Number(target.slice('rotation:'.length)) as 0 | 1 | 2 | 3 }
    : { kind: 'predicted' };
  if (labels === undefined) return { model: 'pretext', target: rotation };
  return {
    model: 'classifier',
    labels,
    target: { kind: 'predicted' },
    ...(target.startsWith('class:') ? { targetClass: target.slice('class:'.length) } : {}),
  };
}
