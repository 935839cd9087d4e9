/**
 * code-server 4.100.3 (VS Code 1.100.3) as a child process group: installs a .vsix into
 * the sandbox's extensions dir, starts the server on a free port and stops it by killing
 * the whole group (the server, its extension hosts and the ScaleNet sidecar they fork).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const ENTRY = join(dirname(require.resolve('code-server/package.json')), 'out', 'node', 'entry.js');

/** @param {import('./sandbox.mjs').Sandbox} sandbox */
function commonArgs(sandbox) {
  return [
    '--user-data-dir',
    sandbox.userDataDir,
    '--extensions-dir',
    sandbox.extensionsDir,
    '--config',
    sandbox.configFile,
  ];
}

/**
 * `code-server --install-extension`, the way a user installs the packaged extension.
 * @param {import('./sandbox.mjs').Sandbox} sandbox
 * @param {string} vsix
 */
export function installExtension(sandbox, vsix) {
  const result = spawnSync(
    process.execPath,
    [ENTRY, ...commonArgs(sandbox), '--install-extension', vsix],
    { env: sandbox.env, encoding: 'utf8', timeout: 120_000 },
  );
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(
      `code-server --install-extension ${vsix} failed (${result.status}):\n${output}`,
    );
  }
  return output.trim();
}

/**
 * @typedef {object} CodeServer
 * @property {number} port
 * @property {string} origin  http://127.0.0.1:PORT
 * @property {() => string} log everything it printed so far
 * @property {() => Promise<void>} stop
 */

/**
 * @param {import('./sandbox.mjs').Sandbox} sandbox
 * @param {{ timeoutMs?: number, workspaceTrust?: boolean }} [options] workspaceTrust: keep
 *   VS Code's workspace trust on (restricted mode exists only then); off by default, so
 *   that no trust prompt stands in the tests' way
 * @returns {Promise<CodeServer>}
 */
export async function startCodeServer(
  sandbox,
  { timeoutMs = 60_000, workspaceTrust = false } = {},
) {
  const child = spawn(
    process.execPath,
    [
      ENTRY,
      '--bind-addr',
      '127.0.0.1:0',
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--ignore-last-opened',
      ...commonArgs(sandbox),
    ],
    { env: sandbox.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', resolve));
  /** @param {NodeJS.Signals} signal */
  const killGroup = (signal) => {
    if (child.pid === undefined) return; // it never started
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  // If the test process dies without running its cleanup, take the group with it.
  const onExit = () => killGroup('SIGKILL');
  process.once('exit', onExit);

  const stop = async () => {
    process.removeListener('exit', onExit);
    if (child.exitCode !== null || child.signalCode !== null) {
      killGroup('SIGKILL');
      return;
    }
    killGroup('SIGTERM');
    const timer = setTimeout(() => killGroup('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    // The server may exit before the extension host and sidecar it left behind.
    killGroup('SIGKILL');
    // The sidecar runs in a process group of its own (the supervisor kills its tree), so
    // the group kill above misses it if it outlives its parent: find it by the sandbox's
    // HOME, which only processes started from this server have.
    await killBySandboxHome(sandbox.home);
  };

  const port = await new Promise(
    /** @param {(port: number) => void} resolve @param {(error: Error) => void} reject */
    (resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`code-server did not start in ${timeoutMs} ms:\n${output}`)),
        timeoutMs,
      );
      /** @param {string} chunk */
      const onData = (chunk) => {
        output += chunk;
        const match = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      };
      child.stdout.setEncoding('utf8').on('data', onData);
      child.stderr.setEncoding('utf8').on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`code-server exited (${code ?? signal}) before listening:\n${output}`));
      });
    },
  ).catch(async (error) => {
    await stop();
    throw error;
  });

  return { port, origin: `http://127.0.0.1:${port}`, log: () => output, stop };
}

/**
 * Kills (by pid) every process whose environment has HOME=home; returns their pids.
 * @param {string} home
 */
export async function killBySandboxHome(home) {
  const marker = `HOME=${home}`;
  /** @type {number[]} */
  const ours = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0');
      if (environ.includes(marker)) ours.push(Number(entry));
    } catch {
      // Gone, or not ours to read.
    }
  }
  for (const pid of ours) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Exited meanwhile.
    }
  }
  if (ours.length > 0) await new Promise((resolve) => setTimeout(resolve, 200));
  return ours;
}
