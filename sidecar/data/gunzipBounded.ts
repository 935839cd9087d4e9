/**
 * Inflating gzip files without trusting them. A 1.5 MB .gz can inflate to 1.5 GB; a
 * one-shot `gunzip` builds all of it before anyone can look, and took the sidecar to
 * 4.6 GB. Here the stream is read chunk by chunk and given up the moment it passes a
 * bound that the caller knows: for IDX the size its own header declares (read from the
 * first inflated bytes), for a CIFAR-10 archive the size of the real archive. Memory
 * stays at the bound plus one 16 KB chunk.
 */
import { createGunzip } from 'node:zlib';
import { DataError } from './errors';

export function isGzip(buf: Uint8Array): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

/**
 * How many inflated bytes the content may have, decided from its first bytes: undefined
 * while `head` is too short to tell. `exact` means the size is the content's own (IDX
 * header), so the output buffer is allocated once; otherwise it is only an upper bound.
 * It may throw a DataError when the head already shows the file is wrong.
 */
export type InflatedLimit = (head: Uint8Array) => { bytes: number; exact: boolean } | undefined;

/** What a bound was, for the message when the stream passes it. */
export interface BoundDescription {
  /** e.g. "the 47040016 bytes its IDX header declares ([60000, 28, 28])". */
  describe: (bytes: number) => string;
  fix: string;
}

export async function gunzipBounded(
  compressed: Uint8Array,
  file: string,
  limitOf: InflatedLimit,
  bound: BoundDescription,
): Promise<Uint8Array> {
  const stream = createGunzip();
  stream.end(compressed);
  let head = Buffer.alloc(0);
  let limit: { bytes: number; exact: boolean } | undefined;
  let exactOut: Uint8Array | undefined;
  const chunks: Buffer[] = [];
  let written = 0;
  const tooLarge = () =>
    new DataError(
      file,
      `the gzip stream inflates to more than ${bound.describe(limit?.bytes ?? 0)}; ` +
        `the file is ${compressed.length} bytes compressed (a decompression bomb or a corrupt file)`,
      bound.fix,
      limit?.bytes,
    );
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (!limit) {
        head = Buffer.concat([head, chunk]);
        limit = limitOf(head);
        if (!limit) continue;
        if (head.length > limit.bytes) throw tooLarge();
        if (limit.exact) {
          exactOut = new Uint8Array(limit.bytes);
          exactOut.set(head);
        } else chunks.push(head);
        written = head.length;
        continue;
      }
      if (written + chunk.length > limit.bytes) throw tooLarge();
      if (exactOut) exactOut.set(chunk, written);
      else chunks.push(chunk);
      written += chunk.length;
    }
  } catch (e) {
    stream.destroy();
    if (e instanceof DataError) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new DataError(
      file,
      `the gzip stream is corrupt or truncated (${why}); the file is ${compressed.length} bytes`,
      'Download or copy the file again, or unpack it with gunzip to see what is wrong',
      compressed.length,
    );
  }
  if (!limit) return new Uint8Array(head);
  // A short stream is returned as it is: the parser names what is missing.
  if (exactOut) return exactOut.subarray(0, written);
  const out = Buffer.concat(chunks, written);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
