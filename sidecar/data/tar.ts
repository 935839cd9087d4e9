/**
 * Just enough of tar (ustar + GNU long names, pax headers skipped) to pull named
 * regular files out of an in-memory archive such as cifar-10-binary.tar.gz, so no
 * extraction to disk and no extra dependency are needed.
 */
import { DataError } from './errors';

export interface TarEntry {
  name: string;
  data: Uint8Array;
}

const BLOCK = 512;

/** Regular files of a (decompressed) tar archive whose name `wanted` accepts. */
export function readTarEntries(
  tar: Uint8Array,
  file: string,
  wanted: (name: string) => boolean,
): TarEntry[] {
  const entries: TarEntry[] = [];
  const fix = 'Download the archive again; it should be the unmodified cifar-10-binary.tar.gz';
  let offset = 0;
  let longName: string | undefined;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break; // end-of-archive marker
    const size = parseOctal(header.subarray(124, 136));
    if (size === undefined) {
      throw new DataError(
        file,
        'not a tar archive: bad size field in an entry header',
        fix,
        offset,
      );
    }
    const type = String.fromCharCode(header[156] || 0x30);
    const dataStart = offset + BLOCK;
    if (dataStart + size > tar.length) {
      throw new DataError(
        file,
        `truncated: a ${size}-byte entry runs past the end of the archive`,
        fix,
        tar.length,
      );
    }
    const body = tar.subarray(dataStart, dataStart + size);
    let name = longName ?? headerName(header);
    longName = undefined;
    if (type === 'L') {
      longName = cString(body);
    } else if ((type === '0' || type === '\0') && wanted(name)) {
      name = name.replace(/^\.\//, '');
      entries.push({ name, data: body });
    }
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  return entries;
}

function headerName(h: Uint8Array): string {
  const name = cString(h.subarray(0, 100));
  const magic = cString(h.subarray(257, 263));
  const prefix = magic.startsWith('ustar') ? cString(h.subarray(345, 500)) : '';
  return prefix ? `${prefix}/${name}` : name;
}

function cString(b: Uint8Array): string {
  const end = b.indexOf(0);
  return Buffer.from(b.subarray(0, end < 0 ? b.length : end)).toString('utf8');
}

function parseOctal(b: Uint8Array): number | undefined {
  const s = cString(b).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) return undefined;
  return parseInt(s, 8);
}
