/**
 * The names of a run's result metrics and how to read them back, so that the sidecar
 * (which writes them), the CLI and the extension (which show them) agree on one naming:
 * `pretext/accuracy`, `knn/accuracy`, `finetune@<labels>/accuracy`,
 * `linear@<labels>/<block>/accuracy`. Pure: no imports.
 */

export const PRETEXT_ACCURACY = 'pretext/accuracy';
export const KNN_ACCURACY = 'knn/accuracy';

export const finetuneMetric = (labels: number): string => `finetune@${labels}/accuracy`;
export const linearMetric = (labels: number, block: string): string =>
  `linear@${labels}/${block}/accuracy`;

/** One downstream result in words: "fine-tune, 400 labels" → 0.698. */
export interface ResultLine {
  kind: 'pretext' | 'knn' | 'finetune' | 'linear';
  label: string;
  value: number;
  labels?: number;
  block?: string;
}

const FINETUNE = /^finetune@(\d+)\/accuracy$/;
const LINEAR = /^linear@(\d+)\/([^/]+)\/accuracy$/;

function parseResult(key: string, value: number): ResultLine | undefined {
  if (key === PRETEXT_ACCURACY) return { kind: 'pretext', label: 'pretext accuracy', value };
  if (key === KNN_ACCURACY) return { kind: 'knn', label: 'kNN', value };
  const ft = FINETUNE.exec(key);
  if (ft) {
    const labels = Number(ft[1]);
    return { kind: 'finetune', label: `fine-tune, ${labels} labels`, value, labels };
  }
  const lin = LINEAR.exec(key);
  if (lin) {
    const labels = Number(lin[1]);
    const block = lin[2];
    return { kind: 'linear', label: `linear ${block}, ${labels} labels`, value, labels, block };
  }
  return undefined;
}

const ORDER: Record<ResultLine['kind'], number> = { pretext: 0, finetune: 1, linear: 2, knn: 3 };

/**
 * The accuracies of a finished run in reading order: pretext, fine-tune per label
 * budget, linear probe per budget and block, kNN. Other metrics (losses, timings) are
 * left out.
 */
export function resultLines(metrics: Readonly<Record<string, number>>): ResultLine[] {
  return Object.entries(metrics)
    .map(([key, value]) => parseResult(key, value))
    .filter((line): line is ResultLine => line !== undefined && Number.isFinite(line.value))
    .sort(
      (a, b) =>
        ORDER[a.kind] - ORDER[b.kind] ||
        (a.labels ?? 0) - (b.labels ?? 0) ||
        (a.block ?? '').localeCompare(b.block ?? '', undefined, { numeric: true }),
    );
}

/** "fine-tune, 400 labels 69.8% · kNN 68.6%": the one-line summary of a finished run. */
export function resultsHeadline(metrics: Readonly<Record<string, number>>): string {
  return resultLines(metrics)
    .map((line) => `${line.label} ${(line.value * 100).toFixed(1)}%`)
    .join(' · ');
}

/**
 * A failure's message and its fix, each said once: a data error's message already ends
 * with its fix, so appending `fix` again printed the same sentence twice.
 */
export function failureText(error: { message?: string; fix?: string } | undefined): string {
  const message = (error?.message ?? 'unknown error').trim().replace(/\.$/, '');
  const fix = error?.fix?.trim().replace(/\.$/, '');
  if (!fix || message.endsWith(fix)) return `${message}.`;
  return `${message}. ${fix}.`;
}
