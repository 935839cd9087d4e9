/**
 * Downloads cifar-10-binary.tar.gz into a cache folder when the machine is online, with
 * the size and MD5/SHA-256 the dataset's page and mirrors publish, and a progress
 * callback. Untested here (the development machines have no network); the offline path
 * (the loader's "where to put the files" error) is what tests cover. Only called when a
 * config asks for cifar10 and the files are missing: never at import time.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CIFAR10_ARCHIVE } from './cifar10';
import { DataError } from './errors';

export const CIFAR10_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
export const CIFAR10_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';
export const CIFAR10_SHA256 = 'c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd';
export const CIFAR10_BYTES = 170_052_171;

export interface DownloadOptions {
  onProgress?: (received: number, total: number) => void;
  signal?: AbortSignal;
  /** Injected for tests and for proxies; the global fetch by default. */
  fetchImpl?: typeof fetch;
  url?: string;
}

/** Returns the path of the verified archive in `cacheDir`, downloading it if needed. */
export async function ensureCifar10Archive(
  cacheDir: string,
  opts: DownloadOptions = {},
): Promise<string> {
  const target = join(cacheDir, CIFAR10_ARCHIVE);
  if (existsSync(target) && statSync(target).size === CIFAR10_BYTES) return target;
  mkdirSync(cacheDir, { recursive: true });
  const url = opts.url ?? CIFAR10_URL;
  const offline = (why: string): DataError =>
    new DataError(
      target,
      `CIFAR-10 is not in the cache and cannot be downloaded (${why})`,
      `Download ${url} on a machine with internet access and copy it to ${target}`,
    );
  let response: Response;
  try {
    response = await (opts.fetchImpl ?? fetch)(url, { signal: opts.signal });
  } catch (e) {
    throw offline(e instanceof Error ? e.message : String(e));
  }
  if (!response.ok || !response.body) throw offline(`HTTP ${response.status}`);
  const total = Number(response.headers.get('content-length')) || CIFAR10_BYTES;
  const partial = `${target}.part`;
  const md5 = createHash('md5');
  const sha = createHash('sha256');
  const out = createWriteStream(partial);
  let received = 0;
  let lastReport = 0;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      md5.update(chunk);
      sha.update(chunk);
      received += chunk.length;
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      // Throttled: a few reports per second at most, as DESIGN.md asks for progress.
      if (opts.onProgress && Date.now() - lastReport > 250) {
        lastReport = Date.now();
        opts.onProgress(received, total);
      }
    }
    await new Promise<void>((resolve, reject) =>
      out.end((e?: Error | null) => (e ? reject(e) : resolve())),
    );
  } catch (e) {
    out.destroy();
    rmSync(partial, { force: true });
    throw offline(`the download stopped: ${e instanceof Error ? e.message : String(e)}`);
  }
  opts.onProgress?.(received, total);
  const gotMd5 = md5.digest('hex');
  const gotSha = sha.digest('hex');
  if (gotMd5 !== CIFAR10_MD5 || gotSha !== CIFAR10_SHA256) {
    rmSync(partial, { force: true });
    throw new DataError(
      target,
      `the download does not match the published checksum (MD5 ${gotMd5}, expected ${CIFAR10_MD5})`,
      'Try again later or download the file by hand from https://www.cs.toronto.edu/~kriz/cifar.html',
      received,
    );
  }
  renameSync(partial, target);
  return target;
}
