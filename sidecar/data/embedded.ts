/**
 * Where the embedded Fashion-MNIST subset lives. From the TypeScript sources (tsx,
 * tests) this file is sidecar/data/ and the folder is next to it; in the esbuild bundle
 * `__dirname` is dist/ and the build copies the folder to dist/embedded/fashion-mnist/.
 * Both are `__dirname/embedded/fashion-mnist`; the other candidates cover a bundle one
 * folder deeper and a bundle run from inside the repository before the copy step.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from './errors';

export const EMBEDDED_NAME = 'fashion-mnist';

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

export function embeddedDatasetCandidates(baseDir: string = __dirname): string[] {
  return [
    join(baseDir, 'embedded', EMBEDDED_NAME),
    join(baseDir, '..', 'embedded', EMBEDDED_NAME),
    join(baseDir, '..', 'sidecar', 'data', 'embedded', EMBEDDED_NAME),
  ];
}

/** The folder holding the embedded IDX files; a DataError when the install is broken. */
export function embeddedDatasetDir(baseDir: string = __dirname): string {
  const candidates = embeddedDatasetCandidates(baseDir);
  for (const dir of candidates) {
    if (existsSync(join(dir, 'train-images-idx3-ubyte.gz'))) return dir;
  }
  throw new DataError(
    candidates[0],
    `the embedded Fashion-MNIST subset is missing (looked in ${candidates.join(', ')})`,
    'Reinstall the extension, or run `npm run build` so that dist/embedded/ is copied',
  );
}
