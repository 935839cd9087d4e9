/**
 * Crash-safe writes for the run store (ARCHITECTURE.md: the run store). A
 * reader sees either the old content or the new, never a half-written file or folder:
 * write into a temp sibling (same folder, so same filesystem), fsync, then rename.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Marks a folder still being written; readers skip these. */
const TEMP_MARK = '.tmp-';
/** Marks the previous version during the swap; readers fall back to it. */
const OLD_MARK = '.old-';

/** Time first, fixed width: names sort oldest to newest. */
function uniqueSuffix(): string {
  const time = Date.now().toString(36).padStart(9, '0');
  return `${time}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** fsync a folder so that a rename inside it survives a power cut (no-op where unsupported). */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open folders; its renames are as durable as it offers.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes a file and forces it to disk (not atomic by itself). */
export function writeFileDurable(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let offset = 0;
    while (offset < bytes.byteLength) {
      offset += writeSync(fd, bytes, offset, bytes.byteLength - offset);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replaces `path` with `data` atomically: temp file in the same folder, fsync, rename. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}${TEMP_MARK}${uniqueSuffix()}`);
  try {
    writeFileDurable(temp, data);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  fsyncDir(dir);
}

/**
 * True for names this module uses transiently (`x.tmp-*`, `.x.tmp-*`, `x.old-*`): code that
 * lists a folder (e.g. the checkpoints of a run) should skip them.
 */
export function isAtomicLeftover(name: string): boolean {
  return name.includes(TEMP_MARK) || name.includes(OLD_MARK);
}

/** Sibling folders of `dir` left by earlier writes: `<name>.tmp-*` and `<name>.old-*`. */
function siblings(dir: string, mark: string): string[] {
  const parent = dirname(dir);
  const prefix = basename(dir) + mark;
  if (!existsSync(parent)) return [];
  return readdirSync(parent)
    .filter((name) => name.startsWith(prefix))
    .sort()
    .map((name) => join(parent, name));
}

/**
 * Replaces the folder `dir` atomically with what `fill` writes into a fresh temp folder.
 * `fill` must write durably (see `writeFileDurable`). A folder cannot be renamed over a
 * non-empty one, so the swap is two renames: dir → dir.old-*, temp → dir. A crash between
 * them leaves only the old version, which `resolveAtomicDir` finds. One writer per folder.
 */
export async function writeDirAtomic(
  dir: string,
  fill: (tempDir: string) => Promise<void>,
): Promise<void> {
  const parent = dirname(dir);
  mkdirSync(parent, { recursive: true });
  // Leftovers of a crashed write are incomplete by definition: nobody reads them.
  for (const stale of siblings(dir, TEMP_MARK)) rmSync(stale, { recursive: true, force: true });
  const temp = `${dir}${TEMP_MARK}${uniqueSuffix()}`;
  mkdirSync(temp);
  try {
    await fill(temp);
    fsyncDir(temp);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
  let old: string | undefined;
  if (existsSync(dir)) {
    old = `${dir}${OLD_MARK}${uniqueSuffix()}`;
    renameSync(dir, old);
  }
  renameSync(temp, dir);
  fsyncDir(parent);
  // Only now is the new version in place; older copies (this one and any a crash left) go.
  for (const previous of siblings(dir, OLD_MARK)) {
    rmSync(previous, { recursive: true, force: true });
  }
}

/**
 * The folder to read for `dir`: itself, or, when a crash hit between the two renames of
 * `writeDirAtomic`, the previous version it left as `dir.old-*`. Null when neither exists.
 * Temp folders are never returned: they may be half written.
 */
export function resolveAtomicDir(dir: string): string | null {
  if (existsSync(dir)) return dir;
  const olds = siblings(dir, OLD_MARK);
  return olds.length > 0 ? olds[olds.length - 1] : null;
}
