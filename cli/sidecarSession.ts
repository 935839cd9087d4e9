/**
 * The CLI's connection to a sidecar: the same process and protocol the extension uses
 * (sidecar/protocol), with the sidecar's own log lines kept off the terminal unless
 * --verbose, since tfjs prints freely to stdout.
 */
import { join } from 'node:path';
import {
  InitializeRequest,
  PROTOCOL_VERSION,
  ShutdownRequest,
  SidecarExitingNotification,
  type BackendPreference,
  type InitializeResult,
} from '../sidecar/protocol';
import { spawnSidecar, type SidecarProcess } from '../sidecar/protocol/connect';

export interface Session extends SidecarProcess {
  info: InitializeResult;
  /** Rejects when the sidecar process exits, with its last word on why. */
  exited: Promise<never>;
  close(): Promise<void>;
}

export async function openSession(options: {
  backend?: BackendPreference;
  verbose?: boolean;
}): Promise<Session> {
  const sidecar = spawnSidecar({
    // Both bundles live in dist/: the CLI finds the sidecar beside itself.
    script: join(__dirname, 'sidecar.js'),
    onLog: (line) => {
      if (options.verbose) process.stderr.write(`[sidecar] ${line}\n`);
    },
  });
  let exitReason = '';
  sidecar.connection.onNotification(
    SidecarExitingNotification.type,
    (p) => (exitReason = p.reason),
  );
  const exited = new Promise<never>((_, reject) =>
    sidecar.child.once('exit', (code, signal) =>
      reject(
        new Error(
          `The sidecar exited (${signal ?? code})${exitReason ? `: ${exitReason}` : ''}. Run with --verbose for its log.`,
        ),
      ),
    ),
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
    async close() {
      try {
        await Promise.race([
          sidecar.connection.sendRequest(ShutdownRequest.type, {}),
          new Promise((resolve) => setTimeout(resolve, 5000).unref()),
        ]);
      } catch {
        // Already gone: nothing to shut down.
      }
      sidecar.connection.dispose();
      if (sidecar.child.exitCode === null) sidecar.child.kill();
    },
  };
  return session;
}
