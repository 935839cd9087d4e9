/**
 * One process per run folder. Two `--resume` of one run used to both train and write the
 * same checkpoints; now the process that trains a run holds `run.lock` in its folder,
 * created with O_EXCL (`wx`) so that exactly one of two simultaneous takers wins. The
 * lock names its pid and host: a lock whose process is gone (a SIGKILLed sidecar) is
 * taken over, and the log says so; a live one refuses with the pid.
 */
import { hostname } from 'node:os';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessAlive } from '../protocol/runStore';

export const LOCK_FILE = 'run.lock';
/** Held only while a stale lock is replaced, so two takers cannot both replace it. */
const TAKEOVER_FILE = 'run.lock.takeover';
/** A takeover marker older than this was left by a process killed mid-takeover. */
const TAKEOVER_STALE_MS = 10_000;
/** An empty lock younger than this is being written, not abandoned. */
const UNWRITTEN_GRACE_MS = 2_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Age of a file by its mtime; 0 when it is gone (whoever removed it is active). */
function ageMs(file: string): Promise<number> {
  return stat(file).then(
    (s) => Date.now() - s.mtimeMs,
    () => 0,
  );
}

interface LockContent {
  pid: number;
  host: string;
  since: string;
}

/** The run is being trained by another live process. */
export class RunInUseError extends Error {
  override readonly name = 'RunInUseError';
  constructor(
    readonly runDir: string,
    readonly pid: number,
    readonly host: string,
  ) {
    super(
      `${runDir}: run is in use by pid ${pid}${host === hostname() ? '' : ` on ${host}`}. ` +
        'Stop that run first (or wait for it to end); if that process is gone, delete ' +
        `${join(runDir, LOCK_FILE)}.`,
    );
  }
}

export interface RunLock {
  /** Removes the lock (only if it is still this process's). */
  release(): Promise<void>;
}

async function readLock(file: string): Promise<LockContent | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<LockContent>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') {
      return { pid: parsed.pid, host: parsed.host, since: String(parsed.since ?? '') };
    }
  } catch {
    // Missing, or a lock whose writer died between create and write: treated as stale.
  }
  return undefined;
}

async function createExclusive(file: string, content: string): Promise<boolean> {
  try {
    const handle = await open(file, 'wx');
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Takes the run folder's lock for this process. `log` gets one line when a stale lock
 * (its process is dead) is taken over. Throws RunInUseError when a live process holds it.
 */
export async function acquireRunLock(
  runDir: string,
  log: (line: string) => void,
): Promise<RunLock> {
  const file = join(runDir, LOCK_FILE);
  const mine: LockContent = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const content = JSON.stringify(mine) + '\n';
  const lock: RunLock = {
    release: async () => {
      try {
        const held = await readLock(file);
        if (held?.pid === mine.pid && held.host === mine.host) await rm(file, { force: true });
      } catch {
        // A run folder deleted meanwhile: nothing left to unlock.
      }
    },
  };
  for (let attempt = 0; attempt < 40; attempt++) {
    if (await createExclusive(file, content)) return lock;
    const held = await readLock(file);
    if (held && held.pid === mine.pid && held.host === mine.host) return lock;
    if (!held && (await ageMs(file)) < UNWRITTEN_GRACE_MS) {
      // Created an instant ago and not yet written: its taker is alive; let it finish.
      await sleep(50);
      continue;
    }
    // On another host the pid cannot be checked: only a person can say it is gone.
    if (held && (held.host !== mine.host || isProcessAlive(held.pid))) {
      throw new RunInUseError(runDir, held.pid, held.host);
    }
    await takeOver(runDir, file, held, log);
  }
  throw new Error(`${runDir}: could not take ${LOCK_FILE} (it keeps changing hands); try again.`);
}

/** Removes a stale lock, serialised by a takeover marker so only one taker removes it. */
async function takeOver(
  runDir: string,
  file: string,
  stale: LockContent | undefined,
  log: (line: string) => void,
): Promise<void> {
  const marker = join(runDir, TAKEOVER_FILE);
  if (!(await createExclusive(marker, String(process.pid)))) {
    if ((await ageMs(marker)) > TAKEOVER_STALE_MS) await rm(marker, { force: true });
    await sleep(50);
    return;
  }
  try {
    // Still the same stale lock? Another taker may have replaced it before our marker.
    const now = await readLock(file);
    if (now?.pid === stale?.pid && now?.since === stale?.since) {
      await rm(file, { force: true });
      log(
        `[sidecar] ${runDir}: took over ${LOCK_FILE} of pid ${stale?.pid ?? '?'}` +
          `${stale?.since ? ` (since ${stale.since})` : ''}, which is no longer running`,
      );
    }
  } finally {
    await rm(marker, { force: true });
  }
}
