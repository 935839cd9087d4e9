/**
 * How a client (extension host or CLI) starts the sidecar and speaks to it: `fork` with
 * an IPC channel, vscode-jsonrpc over that channel (never stdio: TensorFlow.js prints to
 * stdout), and the child's stdout/stderr handed back line by line for a log.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import {
  createMessageConnection,
  IPCMessageReader,
  IPCMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';

export interface SpawnSidecarOptions {
  /** Path of the bundled sidecar script (dist/sidecar.js). */
  script: string;
  /** Node executable; defaults to the current runtime (VS Code's own inside the extension host). */
  execPath?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Extra arguments for Node, e.g. `--inspect=9230` for "Attach to Sidecar". */
  execArgv?: string[];
  /** Receives each line the sidecar writes to stdout or stderr. */
  onLog?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface SidecarProcess {
  child: ChildProcess;
  connection: MessageConnection;
}

export function spawnSidecar(options: SpawnSidecarOptions): SidecarProcess {
  const child = fork(options.script, [], {
    execPath: options.execPath,
    execArgv: options.execArgv ?? [],
    cwd: options.cwd,
    env: { ...process.env, ...options.env, SCALENET_PARENT_PID: String(process.pid) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // Its own process group, so that stop can kill the whole tree (workers included).
    detached: process.platform !== 'win32',
  });
  for (const [stream, name] of [
    [child.stdout, 'stdout'],
    [child.stderr, 'stderr'],
  ] as const) {
    if (stream) {
      createInterface({ input: stream }).on('line', (line) => options.onLog?.(line, name));
    }
  }
  const connection = createMessageConnection(
    new IPCMessageReader(child),
    new IPCMessageWriter(child),
  );
  connection.listen();
  return { child, connection };
}
