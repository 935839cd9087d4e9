/**
 * IDX files (MNIST, Fashion-MNIST): big-endian header `0 0 type ndims`, ndims uint32
 * sizes, then the data. Gzipped files (magic 1f 8b) are inflated first. Only unsigned
 * byte data (type 0x08) is accepted: that is what every image/label IDX file uses.
 */
import { readFile } from 'node:fs/promises';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { DataError } from './errors';

const gunzipAsync = promisify(gunzip);

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

export function isGzip(buf: Uint8Array): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

/** Inflates when gzipped; a truncated or corrupt gzip stream becomes a DataError. */
export async function maybeGunzip(buf: Uint8Array, file: string): Promise<Uint8Array> {
  if (!isGzip(buf)) return buf;
  try {
    return new Uint8Array(await gunzipAsync(buf));
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new DataError(
      file,
      `the gzip stream is corrupt or truncated (${why}); the file is ${buf.length} bytes`,
      'Download or copy the file again, or unpack it with gunzip to see what is wrong',
      buf.length,
    );
  }
}

/** Parses an (already inflated) IDX buffer; `file` is only used in error messages. */
export function parseIdx(buf: Uint8Array, file: string): IdxArray {
  const fix = 'Download or copy the file again; it must be an unmodified IDX file (MNIST format)';
  if (buf.length < 4) {
    throw new DataError(
      file,
      `the file is ${buf.length} bytes, too short for an IDX header`,
      fix,
      buf.length,
    );
  }
  if (buf[0] !== 0 || buf[1] !== 0) {
    throw new DataError(
      file,
      `not an IDX file: the magic number starts with ${hex(buf[0])} ${hex(buf[1])}, expected 00 00`,
      fix,
      0,
    );
  }
  const type = buf[2];
  if (type !== 0x08) {
    const name = TYPE_NAMES[type] ?? `unknown type ${hex(type)}`;
    throw new DataError(
      file,
      `IDX data type is ${name}; only unsigned bytes (0x08) are supported`,
      fix,
      2,
    );
  }
  const ndims = buf[3];
  if (ndims < 1) throw new DataError(file, 'IDX header declares 0 dimensions', fix, 3);
  const headerBytes = 4 + 4 * ndims;
  if (buf.length < headerBytes) {
    throw new DataError(
      file,
      `the header needs ${headerBytes} bytes but the file has ${buf.length}`,
      fix,
      buf.length,
    );
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dims: number[] = [];
  let total = 1;
  for (let i = 0; i < ndims; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    total *= d;
  }
  const expected = headerBytes + total;
  if (buf.length < expected) {
    // Point at the first record that is incomplete, which is what a user can check.
    const recordBytes = dims.length > 1 ? total / dims[0] : 1;
    const complete = Math.floor((buf.length - headerBytes) / recordBytes);
    throw new DataError(
      file,
      `truncated: dimensions [${dims.join(', ')}] need ${expected} bytes but the data ends at ` +
        `${buf.length} (record ${complete} of ${dims[0]} is incomplete)`,
      fix,
      buf.length,
    );
  }
  if (buf.length > expected) {
    throw new DataError(
      file,
      `${buf.length - expected} unexpected bytes after the data: dimensions [${dims.join(', ')}] end at ${expected}`,
      fix,
      expected,
    );
  }
  return { dims, data: buf.subarray(headerBytes, expected) };
}

/** Reads, inflates if needed and parses one IDX file. */
export async function readIdxFile(file: string): Promise<IdxArray> {
  let raw: Uint8Array;
  try {
    raw = await readFile(file);
  } catch (e) {
    throw new DataError(
      file,
      `cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
      'Check that data.path points at the folder holding the IDX files',
    );
  }
  return parseIdx(await maybeGunzip(raw, file), file);
}

function hex(b: number | undefined): string {
  return (b ?? 0).toString(16).padStart(2, '0');
}
