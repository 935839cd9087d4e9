/**
 * Writers for small dataset files in the real on-disk formats (IDX, CIFAR-10 binary,
 * tar), so loader tests read genuine files from a temp folder, corrupt ones included.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export function tempDir(prefix = 'scalenet-data-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** IDX bytes: 0 0 0x08 ndims, big-endian dims, data. */
export function idxBytes(dims: number[], data: Uint8Array, gzip = false): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  const raw = Buffer.concat([header, Buffer.from(data)]);
  return gzip ? gzipSync(raw) : raw;
}

/** CIFAR-10 records: label byte then R, G, B planes; pixel value = f(record, channel, y, x). */
export function cifarBytes(
  labels: number[],
  pixel: (r: number, c: number, y: number, x: number) => number,
): Buffer {
  const buf = Buffer.alloc(labels.length * 3073);
  labels.forEach((label, r) => {
    const base = r * 3073;
    buf[base] = label;
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++)
          buf[base + 1 + c * 1024 + y * 32 + x] = pixel(r, c, y, x) & 255;
      }
    }
  });
  return buf;
}

/** A ustar archive of regular files (what `tar czf` writes, minus the gzip). */
export function tarBytes(files: { name: string; data: Uint8Array }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const f of files) {
    const h = Buffer.alloc(512);
    h.write(f.name, 0, 100, 'utf8');
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(f.data.length.toString(8).padStart(11, '0') + '\0', 124);
    h.write('00000000000\0', 136);
    h.write('        ', 148); // checksum is computed over spaces
    h[156] = 0x30;
    h.write('ustar\0', 257);
    h.write('00', 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(h, Buffer.from(f.data), Buffer.alloc((512 - (f.data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
