/**
 * CIFAR-10 binary version: `data_batch_1..5.bin` (training) and `test_batch.bin`, each
 * 10,000 records of 1 label byte + 3,072 bytes (R, G, B planes of 32x32, row-major).
 * data.path may be the folder with the .bin files, a folder holding
 * `cifar-10-batches-bin/` or `cifar-10-binary.tar.gz`, or the archive itself; the
 * archive is read in memory without unpacking. Planes are converted to HWC.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from './errors';
import { maybeGunzip } from './idx';
import { readTarEntries } from './tar';
import type { ImageDataset, Split } from './types';

export const CIFAR10_CLASSES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];
export const CIFAR10_ARCHIVE = 'cifar-10-binary.tar.gz';
export const CIFAR10_FOLDER = 'cifar-10-batches-bin';
const SIDE = 32;
const PLANE = SIDE * SIDE;
export const CIFAR10_RECORD_BYTES = 1 + 3 * PLANE;

export function cifarBatchNames(split: Split): string[] {
  return split === 'train' ? [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`) : ['test_batch.bin'];
}

const whereToPut = (path: string): string =>
  `Download ${CIFAR10_ARCHIVE} from https://www.cs.toronto.edu/~kriz/cifar.html and put it ` +
  `(or the unpacked ${CIFAR10_FOLDER}/ folder) in ${path}`;

/** Loads one split; every missing or malformed file is a DataError saying what to do. */
export async function loadCifar10(path: string, split: Split): Promise<ImageDataset> {
  const parts = await readCifarFiles(path, split);
  let total = 0;
  for (const p of parts) total += validateRecords(p.data, p.file);
  const images = new Uint8Array(total * 3 * PLANE);
  const labels = new Int32Array(total);
  let n = 0;
  for (const p of parts) {
    const records = p.data.length / CIFAR10_RECORD_BYTES;
    for (let r = 0; r < records; r++, n++) {
      const base = r * CIFAR10_RECORD_BYTES;
      labels[n] = p.data[base];
      planesToHwc(p.data, base + 1, images, n * 3 * PLANE);
    }
  }
  return {
    name: `cifar10-${split}`,
    images,
    labels,
    count: total,
    height: SIDE,
    width: SIDE,
    channels: 3,
    classNames: [...CIFAR10_CLASSES],
  };
}

/** Returns the record count; wrong sizes and labels become DataErrors with byte offsets. */
export function validateRecords(data: Uint8Array, file: string): number {
  if (data.length === 0) {
    throw new DataError(
      file,
      'the file is empty',
      'Copy the file again from the CIFAR-10 archive',
      0,
    );
  }
  if (data.length % CIFAR10_RECORD_BYTES !== 0) {
    const complete = Math.floor(data.length / CIFAR10_RECORD_BYTES);
    throw new DataError(
      file,
      `${data.length} bytes is not a whole number of ${CIFAR10_RECORD_BYTES}-byte records: record ` +
        `${complete} is incomplete (truncated file, or not the CIFAR-10 binary version)`,
      'Copy the file again from cifar-10-binary.tar.gz (the binary version, not the Python one)',
      complete * CIFAR10_RECORD_BYTES,
    );
  }
  const records = data.length / CIFAR10_RECORD_BYTES;
  for (let r = 0; r < records; r++) {
    const label = data[r * CIFAR10_RECORD_BYTES];
    if (label > 9) {
      throw new DataError(
        file,
        `record ${r} has label ${label}; CIFAR-10 labels are 0-9 (CIFAR-100 files have 2 label bytes)`,
        'Use the CIFAR-10 binary files',
        r * CIFAR10_RECORD_BYTES,
      );
    }
  }
  return records;
}

/** R,G,B planes (CHW) of one 32x32 record → interleaved HWC. */
function planesToHwc(src: Uint8Array, from: number, dst: Uint8Array, to: number): void {
  for (let p = 0; p < PLANE; p++) {
    dst[to + 3 * p] = src[from + p];
    dst[to + 3 * p + 1] = src[from + PLANE + p];
    dst[to + 3 * p + 2] = src[from + 2 * PLANE + p];
  }
}

interface CifarFile {
  file: string;
  data: Uint8Array;
}

async function readCifarFiles(path: string, split: Split): Promise<CifarFile[]> {
  const names = cifarBatchNames(split);
  if (!existsSync(path)) {
    throw new DataError(path, 'the CIFAR-10 folder does not exist', whereToPut(path));
  }
  if (statSync(path).isFile()) return readFromArchive(path, names);
  for (const dir of [path, join(path, CIFAR10_FOLDER)]) {
    if (existsSync(join(dir, names[0]))) {
      const missing = names.filter((n) => !existsSync(join(dir, n)));
      if (missing.length > 0) {
        throw new DataError(
          dir,
          `missing ${missing.join(', ')} (never trained on fewer batches silently)`,
          whereToPut(dir),
        );
      }
      return Promise.all(
        names.map(async (n) => ({ file: join(dir, n), data: await readFile(join(dir, n)) })),
      );
    }
  }
  if (existsSync(join(path, CIFAR10_ARCHIVE)))
    return readFromArchive(join(path, CIFAR10_ARCHIVE), names);
  throw new DataError(
    path,
    `no CIFAR-10 files (${names[0]} or ${CIFAR10_ARCHIVE})`,
    whereToPut(path),
  );
}

async function readFromArchive(archive: string, names: string[]): Promise<CifarFile[]> {
  const tar = await maybeGunzip(await readFile(archive), archive);
  const entries = readTarEntries(tar, archive, (n) => names.includes(n.split('/').pop() ?? ''));
  return names.map((n) => {
    const entry = entries.find((e) => e.name.split('/').pop() === n);
    if (!entry) {
      throw new DataError(
        archive,
        `the archive has no ${n}`,
        'Download cifar-10-binary.tar.gz again (the binary version)',
      );
    }
    return { file: `${archive}:${entry.name}`, data: entry.data };
  });
}
