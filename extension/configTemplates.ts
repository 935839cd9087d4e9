/**
 * The commented starting configs "ScaleNet: New Config" writes: one per method the paper
 * compares. All come from one function so that they differ only where the methods do.
 * Sizes are the small ones that train in minutes on a laptop's CPU on the embedded
 * Fashion-MNIST subset; the comments say what to change for real data. No `vscode`
 * import: each template is checked against the schema and the semantic rules in tests.
 */

export type TemplateId = 'rotnet' | 'scalenet2' | 'scalenet3' | 'simclr';

export interface ConfigTemplate {
  id: TemplateId;
  label: string;
  detail: string;
  /** Suggested file name stem (`<stem>.scalenet.json`). */
  stem: string;
}

export const TEMPLATES: ConfigTemplate[] = [
  {
    id: 'rotnet',
    label: 'RotNet',
    detail: 'Predict the rotation (0°, 90°, 180°, 270°) of full-size images: the baseline.',
    stem: 'rotnet',
  },
  {
    id: 'scalenet2',
    label: 'ScaleNet [0.5, 1]',
    detail: 'RotNet at half size first, then full size starting from those weights.',
    stem: 'scalenet',
  },
  {
    id: 'scalenet3',
    label: 'ScaleNet [0.5, 0.75, 1]',
    detail: 'The three-model chain: 1/2, 3/4, then full size.',
    stem: 'scalenet3',
  },
  {
    id: 'simclr',
    label: 'SimCLR',
    detail: 'Contrastive learning on two augmented views of each image (Adam, NT-Xent).',
    stem: 'simclr',
  },
];

interface Shape {
  method: 'rotnet' | 'scalenet' | 'simclr';
  scales: number[];
  epochs: number[];
  lr: number[];
  intro: string;
}

const SHAPES: Record<TemplateId, Shape> = {
  rotnet: {
    method: 'rotnet',
    scales: [1],
    epochs: [3],
    lr: [0.05],
    intro: 'RotNet: the network learns features by predicting how each image was rotated.',
  },
  scalenet2: {
    method: 'scalenet',
    scales: [0.5, 1],
    epochs: [3, 3],
    lr: [0.1, 0.05],
    intro:
      'ScaleNet [0.5, 1]: RotNet on images resized to half, then at full size starting\n  // from the half-size weights (Huang & Roozbahani, GCPR 2021).',
  },
  scalenet3: {
    method: 'scalenet',
    scales: [0.5, 0.75, 1],
    epochs: [3, 3, 3],
    lr: [0.1, 0.05, 0.01],
    intro: 'ScaleNet [0.5, 0.75, 1]: three RotNets in a chain, 14 -> 21 -> 28 px here.',
  },
  simclr: {
    method: 'simclr',
    scales: [1],
    epochs: [5],
    lr: [0.001],
    intro:
      'SimCLR: two random augmentations of each image should map close together.\n  // Multi-scale SimCLR: "scales": [0.5, 1] with one epochs/lr entry per scale.',
  },
};

const list = (values: number[]) => `[${values.join(', ')}]`;

/** The config text for a template; `name` becomes the run name. */
export function templateText(id: TemplateId, name: string): string {
  const s = SHAPES[id];
  const simclr =
    s.method === 'simclr'
      ? `
  // SimCLR's own settings; the optimiser is Adam with pretext.lr.
  "simclr": { "temperature": 0.5, "projectionDim": 128, "colorStrength": 0.5 },`
      : '';
  return `{
  // ${s.intro}
  // Hover a field for its description; Ctrl+Space completes fields and values.
  // "▶ Train" above this line (or "ScaleNet: Train") starts a run; runs appear in the
  // ScaleNet Runs view.
  "name": ${JSON.stringify(name)},
  "seed": 1,
  "method": "${s.method}",
  "data": {
    // The embedded Fashion-MNIST subset (4,000 training images). For your own images use
    // "dataset": "folder" with "path": "<folder with one subfolder per class>" (relative
    // to this file), or "idx" / "cifar10".
    "dataset": "embedded",
    "channels": 1,
    // Pretext images: at most this many, stratified ("perClass" instead: K per class).
    "limit": 1000,
    // What the network sees: original, harris, gray, gray-harris or hybrid.
    "inputMode": "original"
  },
  "model": { "arch": "resnet", "blocks": [1, 1, 1], "widths": [16, 32, 64] },
  "pretext": {
    // One entry per scale in "epochs" and "lr" (or a single entry for all stages).
    "scales": ${list(s.scales)},
    "epochs": ${list(s.epochs)},
    "lr": ${list(s.lr)},
    "batchSize": 32,
    "heldOut": 500
  },${simclr}
  "evaluation": {
    // A kNN monitor after each epoch, then fine-tuning and linear probes with 400 labels.
    "knn": { "enabled": true, "k": 20, "bankImages": 1000 },
    "finetune": { "labels": [400], "epochs": 8, "lr": 0.02, "milestones": [6] },
    "linear": { "labels": [400], "epochs": 10, "lr": 0.05, "milestones": [7] }
  }
}
`;
}
