/**
 * How the sidecar ends: it says why (a `sidecar/exiting` notification and a stderr
 * line) before it exits, and it exits by itself when its parent dies or the IPC channel
 * closes, so that no orphaned process keeps a GPU or a core busy.
 */
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { SidecarExitingNotification } from './protocol';

let exiting = false;

export function exitSidecar(
  connection: MessageConnection | undefined,
  reason: string,
  exitCode: number,
): void {
  if (exiting) return;
  exiting = true;
  process.stderr.write(`[sidecar] exiting (${exitCode}): ${reason}\n`);
  const finish = () => process.exit(exitCode);
  if (!connection || !process.connected) return finish();
  // Leave even if the notification never goes out (a full or half-closed channel):
  // once exiting is decided, nothing may keep the process serving.
  setTimeout(finish, 1000);
  connection
    .sendNotification(SidecarExitingNotification.type, { reason, exitCode })
    .catch(() => undefined)
    .finally(() => setTimeout(finish, 50));
}

/** The client that forked this sidecar (connect.ts names it; else the OS parent). */
export function parentPidOf(): number {
  return Number(process.env.SCALENET_PARENT_PID ?? process.ppid);
}

/** Polls the parent pid: a parent killed with SIGKILL closes no channel we could notice. */
export function watchParent(onGone: (reason: string) => void, intervalMs = 2000): NodeJS.Timeout {
  const parentPid = parentPidOf();
  const timer = setInterval(() => {
    try {
      process.kill(parentPid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH')
        onGone(`parent process ${parentPid} is gone`);
    }
  }, intervalMs);
  timer.unref();
  return timer;
}
