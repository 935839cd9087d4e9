/**
 * Starts the real, built sidecar (dist/sidecar.js) and speaks the real protocol to it.
 * `npm test` builds first; run `npm run build` before running one integration file.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InitializeRequest,
  PROTOCOL_VERSION,
  RunFinishedNotification,
  RunProgressNotification,
  type InitializeResult,
  type RunFinishedParams,
  type RunProgressParams,
} from '../../sidecar/protocol';
import { spawnSidecar, type SidecarProcess } from '../../sidecar/protocol/connect';

export const SIDECAR_SCRIPT = join(__dirname, '../../dist/sidecar.js');

/**
 * The backend the integration tests run on: SCALENET_BACKEND of the test process
 * (test/torch/run.sh sets torch), else wasm, so that a machine where the
 * torch addon is built still runs the plain suite on the backend it was written for.
 */
export function testBackend(): 'torch' | 'wasm' | 'cpu' {
  const asked = process.env.SCALENET_BACKEND?.trim();
  if (asked === 'torch' || asked === 'cpu' || asked === 'wasm') return asked;
  if (asked)
    throw new Error(`SCALENET_BACKEND=${asked}: the integration tests run on torch, wasm or cpu`);
  return 'wasm';
}

export interface TestSidecar extends SidecarProcess {
  info: InitializeResult;
  log: string[];
  progress: RunProgressParams[];
  finished: RunFinishedParams[];
  /** Resolves with the next run/finished for a run id. */
  waitFinished(runId: string, timeoutMs?: number): Promise<RunFinishedParams>;
  /** Resolves once a progress notification matches. */
  waitProgress(
    match: (p: RunProgressParams) => boolean,
    timeoutMs?: number,
  ): Promise<RunProgressParams>;
  exit(): Promise<number | null>;
}

function poll<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const value = probe();
      if (value !== undefined) {
        clearInterval(timer);
        resolve(value);
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }
    }, 20);
  });
}

export async function startSidecar(env: NodeJS.ProcessEnv = {}): Promise<TestSidecar> {
  if (!existsSync(SIDECAR_SCRIPT))
    throw new Error(`${SIDECAR_SCRIPT} is missing: run npm run build`);
  const log: string[] = [];
  const sidecar = spawnSidecar({
    script: SIDECAR_SCRIPT,
    env: { SCALENET_BACKEND: testBackend(), ...env },
    onLog: (line) => log.push(line),
  });
  const progress: RunProgressParams[] = [];
  const finished: RunFinishedParams[] = [];
  sidecar.connection.onNotification(RunProgressNotification.type, (p) => progress.push(p));
  sidecar.connection.onNotification(RunFinishedNotification.type, (p) => finished.push(p));
  const exitCode = new Promise<number | null>((resolve) =>
    sidecar.child.once('exit', (code) => resolve(code)),
  );
  let info: InitializeResult;
  try {
    info = await sidecar.connection.sendRequest(InitializeRequest.type, {
      clientName: 'test',
      protocolVersion: PROTOCOL_VERSION,
    });
  } catch (error) {
    // A backend that cannot start: the live child would keep the test process running.
    sidecar.child.kill('SIGKILL');
    throw error;
  }
  return {
    ...sidecar,
    info,
    log,
    progress,
    finished,
    waitFinished: (runId, timeoutMs = 120_000) =>
      poll(() => finished.find((f) => f.runId === runId), timeoutMs, `run/finished of ${runId}`),
    waitProgress: (match, timeoutMs = 60_000) =>
      poll(() => progress.find(match), timeoutMs, 'run/progress'),
    exit: () => exitCode,
  };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `scalenet-${prefix}-`));
}
