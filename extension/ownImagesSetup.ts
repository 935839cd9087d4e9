/**
 * "Your own images" in New Config: what is in the two folders the user picked (a cheap
 * count in the extension: file names and image headers, no decoding), a suggested
 * method, scales and training size for the images found, and the commented config.
 * The counts match what the sidecar's loaders will read: PNG/JPEG at any depth for the
 * pool, one subfolder per class (or train/ and test/ with them) for the labelled set.
 * No `vscode` import: unit-tested under plain Node.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg']);
/** A survey stops counting here: enough to suggest a setup, fast on any disk. */
export const SURVEY_LIMIT = 1_000_000;

export interface PoolSurvey {
  images: number;
  png: number;
  jpeg: number;
  /** Side of the first image found (width x height), from its header. */
  sample?: { width: number; height: number; file: string };
  /** True when the count stopped at SURVEY_LIMIT. */
  truncated: boolean;
}

export interface LabelledSurvey {
  /** Images per class, classes sorted by name (the label order the sidecar uses). */
  classes: { name: string; train: number; test: number }[];
  /** `own`: train/ and test/ subfolders; `seeded`: the run splits them (testFraction). */
  split: 'own' | 'seeded';
  sample?: { width: number; height: number; file: string };
}

const isImage = (name: string) => IMAGE_EXT.has(extname(name).toLowerCase());

/** Width and height from a PNG's IHDR or a JPEG's SOF marker; undefined if neither. */
export function imageHeaderSize(file: string): { width: number; height: number } | undefined {
  const bytes = Buffer.alloc(65536);
  const fd = openSync(file, 'r');
  let n = 0;
  try {
    n = readSync(fd, bytes, 0, bytes.length, 0);
  } finally {
    closeSync(fd);
  }
  if (n >= 24 && bytes.readUInt32BE(0) === 0x89504e47) {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (n < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  for (let at = 2; at + 9 < n;) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1];
    const length = bytes.readUInt16BE(at + 2);
    // SOF0..SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) do not.
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
    }
    at += 2 + length;
  }
  return undefined;
}

function sampleOf(file: string | undefined) {
  if (!file) return undefined;
  const size = imageHeaderSize(file);
  return size ? { ...size, file } : undefined;
}

export function surveyPool(root: string): PoolSurvey {
  const survey: PoolSurvey = { images: 0, png: 0, jpeg: 0, truncated: false };
  let first: string | undefined;
  const stack = [root];
  while (stack.length > 0 && !survey.truncated) {
    const dir = stack.pop()!;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) stack.push(path);
      else if (entry.isFile() && isImage(entry.name)) {
        survey.images++;
        if (extname(entry.name).toLowerCase() === '.png') survey.png++;
        else survey.jpeg++;
        first ??= path;
        if (survey.images >= SURVEY_LIMIT) {
          survey.truncated = true;
          break;
        }
      }
    }
  }
  return { ...survey, sample: sampleOf(first) };
}

function classFolders(root: string): Map<string, string[]> {
  const classes = new Map<string, string[]>();
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.') || entry.name === 'test') continue;
    const dir = join(root, entry.name);
    classes.set(
      entry.name,
      readdirSync(dir)
        .filter(isImage)
        .map((f) => join(dir, f)),
    );
  }
  return classes;
}

export function surveyLabelled(root: string): LabelledSurvey {
  const own = statSync(join(root, 'test'), { throwIfNoEntry: false })?.isDirectory() === true;
  const trainRoot =
    own && statSync(join(root, 'train'), { throwIfNoEntry: false })?.isDirectory()
      ? join(root, 'train')
      : root;
  const train = classFolders(trainRoot);
  const test = own ? classFolders(join(root, 'test')) : new Map<string, string[]>();
  const names = [...train.keys()].sort();
  const first = names.map((n) => train.get(n)![0]).find((f) => f !== undefined);
  return {
    classes: names.map((name) => ({
      name,
      train: train.get(name)!.length,
      test: test.get(name)?.length ?? 0,
    })),
    split: own ? 'own' : 'seeded',
    sample: sampleOf(first),
  };
}

export interface Suggestion {
  method: 'rotnet' | 'scalenet';
  scales: number[];
  imageSize: number;
  why: string;
}

/**
 * The training size from the images' side (capped at 64 px: what trains on a laptop CPU),
 * and ScaleNet [0.5, 1] when half that size still leaves 16 px to see, else RotNet.
 */
export function suggestSetup(side: number | undefined): Suggestion {
  const known = side ?? 32;
  const imageSize = known <= 24 ? Math.max(8, known) : known <= 48 ? 32 : 64;
  const why =
    `${side === undefined ? 'no image size found' : `images ${side} px`}: trained at ${imageSize} px` +
    (side !== undefined && side > imageSize
      ? ' (resized down; raise data.imageSize on a GPU)'
      : '');
  if (imageSize >= 32) {
    return {
      method: 'scalenet',
      scales: [0.5, 1],
      imageSize,
      why: `${why}; ScaleNet [0.5, 1] first learns at ${imageSize / 2} px, then at full size`,
    };
  }
  return {
    method: 'rotnet',
    scales: [1],
    imageSize,
    why: `${why}; too small to halve, so RotNet at one scale`,
  };
}

/** "frames: 30000 images (29000 PNG, 1000 JPEG)" and the labelled counts per class. */
export function surveyLines(pool: PoolSurvey, labelled: LabelledSurvey): string[] {
  const total = (k: 'train' | 'test') => labelled.classes.reduce((a, c) => a + c[k], 0);
  const perClass = labelled.classes
    .map((c) => `${c.name} ${c.train}${labelled.split === 'own' ? `+${c.test}` : ''}`)
    .join(', ');
  return [
    `unlabelled: ${pool.images}${pool.truncated ? '+' : ''} images (${pool.png} PNG, ${pool.jpeg} JPEG)`,
    `labelled: ${total('train') + total('test')} images in ${labelled.classes.length} classes (${perClass})` +
      (labelled.split === 'own' ? ', own train/test' : ', split 70/30 by the run'),
  ];
}

/** The commented config; paths are written relative to the config's folder. */
export function ownImagesConfigText(options: {
  name: string;
  configDir: string;
  poolDir: string;
  labelledDir: string;
  pool: PoolSurvey;
  labelled: LabelledSurvey;
}): string {
  const { pool, labelled } = options;
  const side = labelled.sample?.width ?? pool.sample?.width;
  const s = suggestSetup(side);
  const rel = (p: string) => relative(options.configDir, p) || '.';
  const labelledTrain = labelled.classes.reduce((a, c) => a + c.train, 0);
  const trainLabels = labelled.split === 'own' ? labelledTrain : Math.round(labelledTrain * 0.7);
  const epochs = s.scales.map(() => (pool.images > 20000 ? 2 : 5));
  const lr = s.scales.map((_, i) => (i === s.scales.length - 1 ? 0.05 : 0.1));
  const lines = surveyLines(pool, labelled).map((l) => `  //   ${l}`);
  return `{
  // Your own images: the pretext task learns from the unlabelled folder, the downstream
  // evaluation fine-tunes and measures on the labelled one. Found when this was written:
${lines.join('\n')}
  // Suggested: ${s.why}.
  "name": ${JSON.stringify(options.name)},
  "seed": 1,
  "method": "${s.method}",
  "data": {
    // Every PNG/JPEG under this folder, at any depth; no classes needed.
    "dataset": "pool",
    "path": ${JSON.stringify(rel(options.poolDir))},
    "channels": 3,
    // Images are resized to this square side (bilinear) and cached as bytes.
    "imageSize": ${s.imageSize},
    "inputMode": "original"
  },
  "model": { "arch": "resnet", "blocks": [1, 1, 1], "widths": [16, 32, 64] },
  "pretext": {
    // One entry per scale in "epochs" and "lr".
    "scales": ${JSON.stringify(s.scales).replace(/,/g, ', ')},
    "epochs": ${JSON.stringify(epochs).replace(/,/g, ', ')},
    "lr": ${JSON.stringify(lr).replace(/,/g, ', ')},
    "batchSize": 32,
    "heldOut": ${Math.min(500, Math.max(1, Math.floor(pool.images / 10)))}
  },
  "evaluation": {
    // One subfolder per class; ${labelled.split === 'own' ? 'its own train/ and test/ splits are used' : 'without test/, 30% of each class is held out (seeded; saved in the run as evaluation-split.json)'}.
    "data": { "dataset": "folder", "path": ${JSON.stringify(rel(options.labelledDir))} },
    "knn": { "enabled": true, "k": 20, "bankImages": ${Math.max(1, trainLabels)} },
    // Fine-tuning with every labelled training image.
    "finetune": { "labels": [${Math.max(1, trainLabels)}], "epochs": 8, "lr": 0.02, "milestones": [6] },
    "linear": { "labels": [] }
  }
}
`;
}
