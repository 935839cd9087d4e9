/**
 * The parent watch that still works when the main thread is stuck. `watchParent` in
 * lifecycle.ts runs on the event loop, so a main thread blocked in a system call (on
 * Node 20 `mkdirSync('/proc/x', { recursive: true })` never returns) or in a long
 * synchronous computation cannot notice that its client died, and the sidecar lives on
 * as an orphan holding a core. This watchdog runs in a worker thread with its own event
 * loop: it polls the parent and a heartbeat the main thread bumps, and when the parent
 * is gone it leaves the main thread a moment to exit cleanly, then kills the process.
 */
import { Worker } from 'node:worker_threads';

export interface WatchdogOptions {
  parentPid: number;
  /** How often the worker looks (ms). */
  pollMs?: number;
  /** A heartbeat older than this means the main thread is not running its loop (ms). */
  staleMs?: number;
  /** With the parent gone and a live main thread, how long it has to exit by itself (ms). */
  graceMs?: number;
}

export interface Watchdog {
  stop(): Promise<void>;
}

/**
 * The worker's code, plain JavaScript evaluated as a worker (it has no bundle file of its
 * own beside dist/sidecar.js). It writes with writeSync: a worker's process.stderr goes
 * through the main thread, which may be the one that is stuck.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { readFileSync, writeSync } = require('node:fs');
const { parentPid, heartbeat, pollMs, staleMs, graceMs } = workerData;
const beats = new Int32Array(heartbeat);
const firstPpid = process.ppid;
let lastBeat = Atomics.load(beats, 0);
let lastBeatAt = Date.now();
let goneAt;
function parentGone() {
  if (process.ppid !== firstPpid) return true; // re-parented: the parent died
  try {
    process.kill(parentPid, 0);
  } catch (error) {
    return error.code === 'ESRCH';
  }
  try {
    // Linux: a parent that died but is not yet reaped still answers kill(pid, 0).
    return readFileSync('/proc/' + parentPid + '/stat', 'utf8').split(') ')[1][0] === 'Z';
  } catch {
    return false;
  }
}
setInterval(() => {
  const now = Date.now();
  const beat = Atomics.load(beats, 0);
  if (beat !== lastBeat) {
    lastBeat = beat;
    lastBeatAt = now;
  }
  if (goneAt === undefined && parentGone()) goneAt = now;
  if (goneAt === undefined) return;
  const silentMs = now - lastBeatAt;
  if (silentMs > staleMs || now - goneAt > graceMs) {
    const why = silentMs > staleMs
      ? 'its main thread has not run for ' + silentMs + ' ms'
      : 'it did not exit within ' + graceMs + ' ms';
    try {
      writeSync(2, '[sidecar] watchdog: parent process ' + parentPid + ' is gone and ' + why + '; killing the sidecar\\n');
    } catch {
      // stderr is a pipe to the dead parent (EPIPE): the kill matters, not the line.
    }
    process.kill(process.pid, 'SIGKILL');
  }
}, pollMs);
`;

export function startParentWatchdog(options: WatchdogOptions): Watchdog {
  const pollMs = options.pollMs ?? 500;
  const heartbeat = new SharedArrayBuffer(4);
  const beats = new Int32Array(heartbeat);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      parentPid: options.parentPid,
      heartbeat,
      pollMs,
      staleMs: options.staleMs ?? 2000,
      graceMs: options.graceMs ?? 5000,
    },
    // None of the sidecar's own Node flags (--inspect, preloads): the watchdog must not
    // run anything but itself.
    execArgv: [],
    // The watchdog needs no stdio of its own; keep it off the main thread's streams.
    stdout: true,
    stderr: true,
  });
  worker.on('error', (error) =>
    process.stderr.write(`[sidecar] the parent watchdog stopped: ${error.message}\n`),
  );
  // Neither the worker nor the heartbeat may keep a finished sidecar alive.
  worker.unref();
  const beat = setInterval(() => Atomics.add(beats, 0, 1), Math.max(50, pollMs / 2));
  beat.unref();
  return {
    async stop() {
      clearInterval(beat);
      await worker.terminate();
    },
  };
}
