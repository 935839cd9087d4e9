/**
 * IDX files (MNIST, Fashion-MNIST): big-endian header `0 0 type ndims`, ndims uint32
 * sizes, then the data. Gzipped files (magic 1f 8b) are inflated first. Only unsigned
 * byte data (type 0x08) is accepted: that is what every image/label IDX file uses.
 */
import { readFile, stat } from 'node:fs/promises';
import { DataError } from './errors';
import { gunzipBounded, isGzip } from './gunzipBounded';

export { isGzip } from './gunzipBounded';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/**
 * Largest IDX data accepted: 1 GiB (MNIST's training images are 47 MB). A header that
 * declares more is refused before anything is allocated, so a lying header cannot make
 * the sidecar reserve it either.
 */
export const MAX_IDX_DATA_BYTES = 1024 ** 3;

const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

const FIX = 'Download or copy the file again; it must be an unmodified IDX file (MNIST format)';

/** CIFAR-10's binary archive inflates to 185 MB; a little room for repacked copies. */
const MAX_ARCHIVE_BYTES = 256 * 1024 ** 2;

/**
 * Inflates a .tar.gz archive when gzipped, stopping at 256 MB; a truncated, corrupt or
 * oversized gzip stream becomes a DataError.
 */
export async function maybeGunzip(buf: Uint8Array, file: string): Promise<Uint8Array> {
  if (!isGzip(buf)) return buf;
  return gunzipBounded(buf, file, () => ({ bytes: MAX_ARCHIVE_BYTES, exact: false }), {
    describe: (bytes) => `${bytes / 1024 ** 2} MB, more than the CIFAR-10 archive holds`,
    fix: 'Use the original cifar-10-binary.tar.gz (about 163 MB, inflating to 185 MB)',
  });
}

export interface IdxHeader {
  dims: number[];
  headerBytes: number;
  /** Header plus data: the whole file. */
  fileBytes: number;
}

/**
 * The header of an IDX file from its first bytes; undefined while `buf` is too short
 * to hold it. Wrong magic, types, zero or oversized dimensions are DataErrors here, so
 * a gzipped file is judged before it is inflated.
 */
export function parseIdxHeader(buf: Uint8Array, file: string): IdxHeader | undefined {
  if (buf.length >= 2 && (buf[0] !== 0 || buf[1] !== 0)) {
    throw new DataError(
      file,
      `not an IDX file: the magic number starts with ${hex(buf[0])} ${hex(buf[1])}, expected 00 00`,
      FIX,
      0,
    );
  }
  if (buf.length < 4) return undefined;
  const type = buf[2];
  if (type !== 0x08) {
    const name = TYPE_NAMES[type] ?? `unknown type ${hex(type)}`;
    throw new DataError(
      file,
      `IDX data type is ${name}; only unsigned bytes (0x08) are supported`,
      FIX,
      2,
    );
  }
  const ndims = buf[3];
  if (ndims < 1) throw new DataError(file, 'IDX header declares 0 dimensions', FIX, 3);
  const headerBytes = 4 + 4 * ndims;
  if (buf.length < headerBytes) return undefined;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dims: number[] = [];
  let total = 1;
  for (let i = 0; i < ndims; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    total *= d;
  }
  // The record count may be 0 (the dataset says "no images"); a record of size 0 may not:
  // [N, 0, 28] would train on images of nothing, shown as "1px" after resizing.
  const zero = dims.findIndex((d, i) => i > 0 && d === 0);
  if (zero > 0) {
    throw new DataError(
      file,
      `IDX header declares dimension ${zero} as 0 ([${dims.join(', ')}]): records hold no data`,
      FIX,
      4 + 4 * zero,
    );
  }
  if (total > MAX_IDX_DATA_BYTES) {
    throw new DataError(
      file,
      `IDX header declares dimensions [${dims.join(', ')}] = ${total} bytes of data, ` +
        `more than the ${MAX_IDX_DATA_BYTES / 1024 ** 3} GiB an IDX file may hold here`,
      'Use a smaller file (e.g. split it, or select a subset with data.limit on a smaller copy)',
      4,
    );
  }
  return { dims, headerBytes, fileBytes: headerBytes + total };
}

/** Inflates a gzipped IDX file, never past the size its own header declares. */
export function gunzipIdx(buf: Uint8Array, file: string): Promise<Uint8Array> {
  let dims: number[] = [];
  return gunzipBounded(
    buf,
    file,
    (head) => {
      const header = parseIdxHeader(head, file);
      if (!header) return undefined;
      dims = header.dims;
      return { bytes: header.fileBytes, exact: true };
    },
    {
      describe: (bytes) => `the ${bytes} bytes its IDX header declares ([${dims.join(', ')}])`,
      fix: FIX,
    },
  );
}

/** Parses an (already inflated) IDX buffer; `file` is only used in error messages. */
export function parseIdx(buf: Uint8Array, file: string): IdxArray {
  const header = parseIdxHeader(buf, file);
  if (!header) {
    const need = buf.length < 4 ? 'an IDX header' : `the header's ${4 + 4 * buf[3]} bytes`;
    throw new DataError(
      file,
      `the file is ${buf.length} bytes, too short for ${need}`,
      FIX,
      buf.length,
    );
  }
  const { dims, headerBytes } = header;
  const total = header.fileBytes - headerBytes;
  const expected = headerBytes + total;
  if (buf.length < expected) {
    // Point at the first record that is incomplete, which is what a user can check.
    const recordBytes = dims.length > 1 ? total / dims[0] : 1;
    const complete = Math.floor((buf.length - headerBytes) / recordBytes);
    throw new DataError(
      file,
      `truncated: dimensions [${dims.join(', ')}] need ${expected} bytes but the data ends at ` +
        `${buf.length} (record ${complete} of ${dims[0]} is incomplete)`,
      FIX,
      buf.length,
    );
  }
  if (buf.length > expected) {
    throw new DataError(
      file,
      `${buf.length - expected} unexpected bytes after the data: dimensions [${dims.join(', ')}] end at ${expected}`,
      FIX,
      expected,
    );
  }
  return { dims, data: buf.subarray(headerBytes, expected) };
}

/** Reads, inflates if needed (bounded by the header) and parses one IDX file. */
export async function readIdxFile(file: string): Promise<IdxArray> {
  let raw: Uint8Array;
  try {
    // An uncompressed file is as large as it is: refuse it by its size, unread.
    const { size } = await stat(file);
    if (size > MAX_IDX_DATA_BYTES + 4 + 4 * 255) {
      throw new DataError(
        file,
        `the file is ${size} bytes, more than the ${MAX_IDX_DATA_BYTES / 1024 ** 3} GiB an IDX file may hold here`,
        'Use a smaller file',
      );
    }
    raw = await readFile(file);
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(
      file,
      `cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
      'Check that data.path points at the folder holding the IDX files',
    );
  }
  return parseIdx(isGzip(raw) ? await gunzipIdx(raw, file) : raw, file);
}

function hex(b: number | undefined): string {
  return (b ?? 0).toString(16).padStart(2, '0');
}
