/**
 * The CLI's connection to a sidecar: the same process and protocol the extension uses
 * (sidecar/protocol), with the sidecar's own log lines kept off the terminal unless
 * --verbose, since tfjs prints freely to stdout.
 */
import { join } from 'node:path';
import type { RequestType } from 'vscode-jsonrpc';
import {
  InitializeRequest,
  PROTOCOL_VERSION,
  ShutdownRequest,
  SidecarExitingNotification,
  type BackendPreference,
  type InitializeResult,
} from '../sidecar/protocol';
import {
  spawnSidecar,
  type SidecarProcess,
  type SpawnSidecarOptions,
} from '../sidecar/protocol/connect';

export interface Session extends SidecarProcess {
  info: InitializeResult;
  /** Rejects when the sidecar process exits, with its last word on why. */
  exited: Promise<never>;
  /** A request's answer, or the exit's error when the sidecar dies before it answers. */
  request<P, R, E>(type: RequestType<P, R, E>, params: P): Promise<R>;
  close(): Promise<void>;
}

/** How long close() waits for a live sidecar to answer `shutdown` before killing it. */
const SHUTDOWN_GRACE_MS = 5000;

export async function openSession(options: {
  backend?: BackendPreference;
  verbose?: boolean;
  /** Another sidecar script (tests); by default dist/sidecar.js beside the CLI. */
  sidecar?: Pick<SpawnSidecarOptions, 'script' | 'execArgv'>;
}): Promise<Session> {
  const sidecar = spawnSidecar({
    // Both bundles live in dist/: the CLI finds the sidecar beside itself.
    script: join(__dirname, 'sidecar.js'),
    ...options.sidecar,
    onLog: (line) => {
      if (options.verbose) process.stderr.write(`[sidecar] ${line}\n`);
    },
  });
  let exitReason = '';
  let gone = false;
  sidecar.connection.onNotification(
    SidecarExitingNotification.type,
    (p) => (exitReason = p.reason),
  );
  const exited = new Promise<never>((_, reject) =>
    sidecar.child.once('exit', (code, signal) => {
      gone = true;
      reject(
        new Error(
          `The sidecar exited (${signal ?? code})${exitReason ? `: ${exitReason}` : ''}. Run with --verbose for its log.`,
        ),
      );
    }),
  );
  exited.catch(() => undefined);
  let info: InitializeResult;
  try {
    info = await Promise.race([
      sidecar.connection.sendRequest(InitializeRequest.type, {
        clientName: 'cli',
        protocolVersion: PROTOCOL_VERSION,
        backend: options.backend,
      }),
      exited,
    ]);
  } catch (error) {
    // E.g. a forced backend that cannot start: without this the live IPC child keeps the
    // CLI running after it has printed the reason.
    sidecar.connection.dispose();
    if (sidecar.child.exitCode === null) sidecar.child.kill();
    throw error;
  }
  const session: Session = {
    ...sidecar,
    info,
    exited,
    request: (type, params) => Promise.race([sidecar.connection.sendRequest(type, params), exited]),
    async close() {
      // A dead sidecar answers nothing: a request written into its IPC pipe before the
      // pipe's close is noticed stays pending for ever. Waiting on it behind an unref()'d
      // timer let Node exit (code 0) before the command had set its exit code.
      if (!gone) {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            sidecar.connection.sendRequest(ShutdownRequest.type, {}),
            exited,
            // Kept ref'd on purpose: the process must live until close() has finished.
            new Promise((resolve) => (timer = setTimeout(resolve, SHUTDOWN_GRACE_MS))),
          ]);
        } catch {
          // Gone meanwhile: nothing to shut down.
        } finally {
          clearTimeout(timer);
        }
      }
      sidecar.connection.dispose();
      if (sidecar.child.exitCode === null && sidecar.child.signalCode === null) {
        sidecar.child.kill();
      }
    },
  };
  return session;
}
