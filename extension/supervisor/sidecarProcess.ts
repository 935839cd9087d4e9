/**
 * One sidecar process: how it is forked (runtime, environment, inspector), how its death
 * is noticed exactly once, what it said on the way out, and how it is killed. The
 * supervisor (supervisor.ts) decides what to do about any of it. No `vscode` import.
 */
import type { ChildProcess } from 'node:child_process';
import treeKill from 'tree-kill';
import type { MessageConnection } from 'vscode-jsonrpc';
import { spawnSidecar } from '../../sidecar/protocol/connect';
import { HangWatchdog } from './hangWatchdog';

/** How the process ended, as a crash report can state it. */
export interface ExitInfo {
  exitCode: number | null;
  signal: string | null;
  /** The reason from the sidecar's last `sidecar/exiting`, when it sent one. */
  reason?: string;
}

export interface SidecarProcessOptions {
  /** The bundled sidecar script (dist/sidecar.js). */
  script: string;
  /** A system `node`; empty or absent = the current runtime (VS Code's Electron as Node). */
  nodePath?: string;
  /** Worker threads for the sidecar's backend; 0 or absent = let the sidecar choose. */
  threads?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Extra Node arguments (tests use `--import tsx` for .ts fixtures). */
  execArgv?: string[];
  /** Where SCALENET_SIDECAR_INSPECT is read from (process.env by default). */
  inspectEnv?: NodeJS.ProcessEnv;
  /** Silence during a run treated as a hang (default 10 minutes; 0 = never). */
  hangTimeoutMs?: number;
}

export interface SidecarProcessHooks {
  /** Each stdout/stderr line, and process errors. */
  log(line: string, level?: 'info' | 'error'): void;
  /** Called once, after the last IPC message and output line. */
  onDeath(exit: ExitInfo): void;
  onHang(silenceMs: number): void;
}

/** One spawned sidecar process and what we learned about it while it lived. */
export interface SidecarInstance {
  child: ChildProcess;
  connection: MessageConnection;
  pid: number | undefined;
  exitingReason?: string;
  spawnError?: Error;
  stderrTail: string[];
  dead: boolean;
  exit?: ExitInfo;
  watchdog: HangWatchdog;
  /** Set when the watchdog killed it: its runs end as `hung`, not `crashed`. */
  hung: boolean;
  /** Resolves once the process is gone (after 'close', or 'exit' plus a grace period). */
  exited: Promise<ExitInfo>;
}

const DEFAULT_INSPECT_PORT = 9230;
const STDERR_TAIL_LINES = 20;

export function startSidecarProcess(
  options: SidecarProcessOptions,
  hooks: SidecarProcessHooks,
): SidecarInstance {
  const useOwnRuntime = !options.nodePath;
  const threads = options.threads ?? 0;
  const env: NodeJS.ProcessEnv = {
    ...options.env,
    // VS Code's executable is Electron: this makes it behave as plain Node.
    ...(useOwnRuntime ? { ELECTRON_RUN_AS_NODE: '1' } : {}),
    ...(threads > 0 ? { SCALENET_WASM_THREADS: String(threads) } : {}),
  };
  const execArgv = [
    '--enable-source-maps',
    ...inspectArgs(options.inspectEnv ?? process.env),
    ...(options.execArgv ?? []),
  ];
  const stderrTail: string[] = [];
  const { child, connection } = spawnSidecar({
    script: options.script,
    execPath: useOwnRuntime ? process.execPath : options.nodePath,
    env,
    cwd: options.cwd,
    execArgv,
    // Both streams alike: the sidecar logs its ordinary progress to stderr (stdout
    // belongs to tfjs), so stderr is not a sign of trouble by itself.
    onLog: (line, stream) => {
      hooks.log(line.startsWith('[sidecar]') ? line : `[sidecar] ${line}`);
      if (stream === 'stderr') {
        stderrTail.push(line);
        if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
      }
    },
  });
  let markExited!: (exit: ExitInfo) => void;
  const instance: SidecarInstance = {
    child,
    connection,
    pid: child.pid,
    stderrTail,
    dead: false,
    hung: false,
    watchdog: new HangWatchdog({
      timeoutMs: options.hangTimeoutMs ?? 10 * 60_000,
      onHang: (silenceMs) => hooks.onHang(silenceMs),
    }),
    exited: new Promise<ExitInfo>((resolve) => (markExited = resolve)),
  };

  const onDeath = (exitCode: number | null, signal: NodeJS.Signals | null) => {
    if (instance.dead) return;
    instance.dead = true;
    instance.watchdog.disarm();
    instance.exit = { exitCode, signal, reason: instance.exitingReason };
    markExited(instance.exit);
    hooks.onDeath(instance.exit);
  };
  // 'close' comes after the last IPC message and output line; 'exit' may come before
  // them, so it only arms a fallback for a grandchild that keeps the pipes open.
  child.on('close', onDeath);
  child.on('exit', (code, signal) => {
    setTimeout(() => onDeath(code, signal), 1000).unref();
  });
  child.on('error', (error) => {
    hooks.log(`Sidecar process error: ${error.message}`, 'error');
    if (child.pid === undefined) {
      instance.spawnError = error;
      onDeath(null, null);
    }
  });
  return instance;
}

/** `--inspect=<port>` when SCALENET_SIDECAR_INSPECT is set ("1"/"true" = port 9230). */
export function inspectArgs(env: NodeJS.ProcessEnv): string[] {
  const value = env.SCALENET_SIDECAR_INSPECT?.trim();
  if (!value || value === '0' || value === 'false') return [];
  const port = Number(value);
  return [`--inspect=${Number.isInteger(port) && port > 1 ? port : DEFAULT_INSPECT_PORT}`];
}

export function describeExit(exit: ExitInfo): string {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.exitCode}`;
  return exit.reason ? `The sidecar ${how}: ${exit.reason}` : `The sidecar ${how}`;
}

/**
 * The line of a dying process's stderr that says what went wrong: Node ends an uncaught
 * exception with a stack and a "Node.js v20…" footer, neither of which helps a user.
 */
export function summarizeStderr(lines: readonly string[]): string | undefined {
  const errorLine = [...lines].reverse().find((l) => /^\s*(\w+)?Error\b/.test(l));
  if (errorLine) return errorLine.trim();
  return [...lines]
    .reverse()
    .find((l) => l.trim() !== '' && !/^Node\.js v\d/.test(l) && !/^\s+at /.test(l))
    ?.trim();
}

/**
 * The sidecar leads its own process group (connect.ts forks it detached), so on POSIX one
 * kill of the group takes every descendant, and needs no `ps`, which tree-kill runs on
 * Linux and which slim remote containers lack. Windows has no groups: tree-kill uses taskkill.
 */
export function killProcessTree(instance: SidecarInstance): void {
  const pid = instance.pid;
  if (pid === undefined) return;
  if (process.platform === 'win32') {
    treeKill(pid, 'SIGKILL', () => {});
    return;
  }
  // Once it is dead and reaped its pid may be reused; its group id is not while the group
  // has members, so only the group is killed then.
  for (const target of instance.dead ? [-pid] : [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // ESRCH: already gone.
    }
  }
}
