/**
 * The supervisor against real sidecar processes (test/fixtures/sidecars/*.ts, forked over
 * IPC exactly as the extension forks dist/sidecar.js): states, timings, restarts, kills.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  inspectArgs,
  summarizeStderr,
  SidecarSupervisor,
  type StateChangeEvent,
  type SupervisedRunFinished,
  type SupervisorOptions,
} from '../../extension/supervisor/supervisor';
import { RunsListRequest, type RunProgressParams } from '../../sidecar/protocol/index';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = fileURLToPath(new URL('../fixtures/sidecars/', import.meta.url));
const spawned = new Set<number>();
const supervisors: SidecarSupervisor[] = [];

interface Harness {
  supervisor: SidecarSupervisor;
  states: StateChangeEvent[];
  /** The pid of each process that reached `running`. */
  pids: number[];
  logs: { level: 'info' | 'warn' | 'error'; message: string }[];
  /** Resolves when a state change matching `predicate` has happened (or already had). */
  until(predicate: (e: StateChangeEvent) => boolean, timeoutMs?: number): Promise<void>;
}

function harness(fixture: string, options: Partial<SupervisorOptions> = {}): Harness {
  const logs: Harness['logs'] = [];
  const supervisor = new SidecarSupervisor({
    script: join(fixtures, fixture),
    execArgv: ['--import', 'tsx'],
    // `--import tsx` resolves from the child's cwd: the repo, wherever the tests run from.
    cwd: repoRoot,
    clientName: 'test',
    inspectEnv: {},
    logger: {
      info: (message) => logs.push({ level: 'info', message }),
      warn: (message) => logs.push({ level: 'warn', message }),
      error: (message) => logs.push({ level: 'error', message }),
    },
    ...options,
  });
  supervisors.push(supervisor);
  const states: StateChangeEvent[] = [];
  const pids: number[] = [];
  const waiters: { predicate: (e: StateChangeEvent) => boolean; resolve: () => void }[] = [];
  supervisor.onDidChangeState((e) => {
    states.push(e);
    if (e.state === 'running' && supervisor.pid !== undefined) {
      spawned.add(supervisor.pid);
      pids.push(supervisor.pid);
    }
    for (const w of waiters.filter((w) => w.predicate(e))) w.resolve();
  });
  const until = (predicate: (e: StateChangeEvent) => boolean, timeoutMs = 10_000) =>
    states.some(predicate)
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`timed out; states: ${states.map((s) => s.state).join(',')}`)),
            timeoutMs,
          );
          waiters.push({ predicate, resolve: () => (clearTimeout(timer), resolve()) });
        });
  return { supervisor, states, pids, logs, until };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

after(async () => {
  await Promise.all(supervisors.map((s) => s.stop()));
  for (const pid of spawned) {
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
});

void describe('SidecarSupervisor', () => {
  void it('starts, initializes, relays logs, runs, stops a run and shuts down gracefully', async () => {
    const h = harness('answering.ts', { backend: 'wasm', threads: 3 });
    const t0 = performance.now();
    const info = await h.supervisor.start();
    const startMs = performance.now() - t0;
    assert.equal(h.supervisor.state, 'running');
    assert.equal(info.backend.label, 'Fixture CPU');
    assert.deepEqual(
      h.states.map((s) => s.state),
      ['starting', 'running'],
    );
    assert.ok(startMs < 5000, `start took ${startMs} ms`);
    const pid = h.supervisor.pid;
    assert.ok(pid !== undefined && isAlive(pid));

    // Both output streams reach the log; the settings reach the process.
    await waitUntil(() => h.logs.some((l) => l.message.includes('fixture env')));
    assert.ok(h.logs.some((l) => l.level === 'info' && /backend=wasm/.test(l.message)));
    assert.ok(h.logs.some((l) => l.message === '[sidecar] fixture: a warning on stderr'));
    const envLine = h.logs.find((l) => l.message.includes('fixture env'))!.message;
    const env = JSON.parse(envLine.slice(envLine.indexOf('{'))) as Record<string, unknown>;
    assert.equal(env.ELECTRON_RUN_AS_NODE, '1', 'own runtime runs Electron as Node');
    assert.equal(env.SCALENET_WASM_THREADS, '3');
    assert.deepEqual(env.execArgv, ['--enable-source-maps']);

    // Any request of the contract passes through.
    const listed = await h.supervisor.request(RunsListRequest.type, { runsDir: '/runs' });
    assert.deepEqual(
      listed.map((r) => [r.runDir, r.status]),
      [['/runs/old-1', 'interrupted']],
    );

    const progress: RunProgressParams[] = [];
    const finished: SupervisedRunFinished[] = [];
    h.supervisor.onProgress((p) => progress.push(p));
    h.supervisor.onFinished((f) => finished.push(f));
    const run = await h.supervisor.startRun({ configPath: '/x.scalenet.json', runsDir: '/runs' });
    assert.equal(run.runDir, `/runs/${run.runId}`);
    assert.deepEqual(h.supervisor.activeRunIds, [run.runId]);
    await waitUntil(() => progress.length >= 3);
    assert.deepEqual(await h.supervisor.stopRun(run.runId), { stopping: true });
    await waitUntil(() => finished.length === 1);
    assert.equal(finished[0].status, 'stopped');
    assert.equal(finished[0].crash, undefined);
    assert.deepEqual(h.supervisor.activeRunIds, []);

    const t1 = performance.now();
    await h.supervisor.stop();
    const stopMs = performance.now() - t1;
    assert.ok(stopMs < 1000, `graceful stop took ${stopMs} ms`);
    assert.deepEqual(
      h.states.map((s) => s.state),
      ['starting', 'running', 'stopping', 'stopped'],
    );
    assert.ok(!isAlive(pid), 'process gone');
    assert.ok(h.logs.some((l) => /shutdown requested/.test(l.message)));
    assert.ok(!h.logs.some((l) => /killing/.test(l.message)), 'no kill needed');
  });

  void it('reports a crash during a run as a crashed run/finished, then restarts', async () => {
    const h = harness('answering.ts', { env: { FIXTURE_CRASH_DURING_RUN: '1' } });
    await h.supervisor.start();
    const firstPid = h.supervisor.pid;
    const finished: SupervisedRunFinished[] = [];
    h.supervisor.onFinished((f) => finished.push(f));
    const run = await h.supervisor.startRun({ configPath: '/x.scalenet.json', runsDir: '/runs' });
    await waitUntil(() => finished.length === 1);
    const [crashed] = finished;
    assert.equal(crashed.runId, run.runId);
    assert.equal(crashed.runDir, run.runDir);
    assert.equal(crashed.status, 'failed');
    assert.equal(crashed.error?.code, 'crashed');
    assert.deepEqual(crashed.crash, {
      exitCode: 70,
      signal: null,
      reason: 'fixture: out of memory in the wasm heap',
    });
    assert.match(crashed.error?.message ?? '', /exited with code 70: fixture: out of memory/);
    assert.ok(crashed.metrics['pretext/loss'] > 0, 'last known metrics kept');

    await h.until(() => h.states.filter((s) => s.state === 'running').length === 2);
    const restart = h.states.find((s) => s.state === 'starting' && s.message);
    assert.match(restart?.message ?? '', /code 70.*Restarting it \(1 of 4\)/);
    assert.notEqual(h.supervisor.pid, firstPid);
    assert.deepEqual(h.supervisor.activeRunIds, []);
    await h.supervisor.stop();
  });

  void it('kills a sidecar that goes silent during a run as hung, and restarts it', async () => {
    const h = harness('answering.ts', {
      env: { FIXTURE_HANG_DURING_RUN: '1' },
      hangTimeoutMs: 500,
    });
    await h.supervisor.start();
    const hungPid = h.supervisor.pid!;
    let lastProgressAt = 0;
    const finished: SupervisedRunFinished[] = [];
    h.supervisor.onProgress(() => (lastProgressAt = performance.now()));
    h.supervisor.onFinished((f) => finished.push(f));
    await h.supervisor.startRun({ configPath: '/x.scalenet.json', runsDir: '/runs' });
    await waitUntil(() => finished.length === 1, 5000);
    const detectMs = performance.now() - lastProgressAt;
    const [hung] = finished;
    assert.equal(hung.status, 'failed');
    assert.equal(hung.error?.code, 'hung');
    assert.equal(hung.crash?.signal, 'SIGKILL');
    assert.match(
      hung.crash?.reason ?? '',
      /sent nothing for \d s during a run and was killed as hung/,
    );
    assert.ok(detectMs >= 500 && detectMs < 1200, `hang noticed after ${detectMs} ms of silence`);
    assert.ok(!isAlive(hungPid));
    await h.until(() => h.states.filter((s) => s.state === 'running').length === 2);
    assert.match(h.states.at(-2)?.message ?? '', /Restarting it \(1 of 4\)/);
    await h.supervisor.stop();
    console.log(`  hang noticed after ${Math.round(detectMs)} ms of silence (limit 500 ms)`);
  });

  void it('restarts after crashes at most 4 times in 3 minutes, then stays stopped', async () => {
    const h = harness('crash-after-initialize.ts');
    const t0 = performance.now();
    await h.supervisor.start();
    await h.until((e) => e.state === 'stopped', 20_000);
    const elapsed = performance.now() - t0;
    const sequence = h.states.map((s) => s.state);
    assert.deepEqual(sequence, [
      ...Array<string[]>(5).fill(['starting', 'running']).flat(),
      'stopped',
    ]);
    const messages = h.states.filter((s) => s.state === 'starting').map((s) => s.message);
    assert.equal(messages[0], undefined, 'the first start is not a restart');
    for (let i = 1; i <= 4; i++) {
      assert.match(
        messages[i] ?? '',
        new RegExp(`code 3: fixture: crashed on purpose\\. Restarting it \\(${i} of 4\\)`),
      );
    }
    const final = h.states.at(-1)!;
    assert.match(final.message ?? '', /crashed 5 times in 3 minutes, so it will not be restarted/);
    assert.ok(elapsed < 15_000, `five crash cycles took ${elapsed} ms`);

    // Nothing restarts it behind our back, and every process is gone.
    await delay(500);
    assert.equal(h.supervisor.state, 'stopped');
    assert.equal(new Set(h.pids).size, 5, 'five distinct processes');
    for (const pid of h.pids) assert.ok(!isAlive(pid), `pid ${pid} gone`);

    // Asking again is the user's decision: a fresh budget.
    await h.supervisor.start();
    assert.equal(h.supervisor.state, 'running');
    await h.supervisor.stop();
    assert.equal(h.supervisor.state, 'stopped');
    console.log(`  five crash/restart cycles: ${Math.round(elapsed)} ms`);
  });

  void it('stop() while starting wins: the start rejects and no process survives', async () => {
    const h = harness('answering.ts');
    const started = h.supervisor.start().then(
      () => 'started',
      (e: Error) => e.message,
    );
    const t0 = performance.now();
    await h.supervisor.stop();
    const stopMs = performance.now() - t0;
    assert.equal(await started, 'The sidecar was stopped while starting.');
    assert.deepEqual(
      h.states.map((s) => s.state),
      ['starting', 'stopping', 'stopped'],
    );
    const pid = Number(/pid=(\d+)/.exec(h.logs.map((l) => l.message).join('\n'))?.[1]);
    assert.ok(pid > 0, 'it had started');
    assert.ok(!isAlive(pid), 'and is gone');
    assert.ok(stopMs < 2500, `stop took ${stopMs} ms`);
    await delay(300);
    assert.equal(h.supervisor.state, 'stopped', 'nothing restarted it');
  });

  void it('kills a sidecar that does not answer shutdown within 2 s', async () => {
    const h = harness('hang-on-shutdown.ts');
    await h.supervisor.start();
    const pid = h.supervisor.pid!;
    const t0 = performance.now();
    await h.supervisor.stop();
    const stopMs = performance.now() - t0;
    assert.ok(stopMs >= 1990 && stopMs < 2500, `stop took ${stopMs} ms`);
    assert.ok(!isAlive(pid), 'process gone');
    assert.equal(h.supervisor.state, 'stopped');
    assert.deepEqual(
      h.states.map((s) => s.state),
      ['starting', 'running', 'stopping', 'stopped'],
    );
    assert.ok(h.logs.some((l) => /did not shut down within 2000 ms; killing/.test(l.message)));
    console.log(`  hung sidecar stopped in ${Math.round(stopMs)} ms`);
  });

  void it('reports startFailed with the reason when the sidecar exits on start, and does not retry', async () => {
    const h = harness('exit-on-start.ts');
    const t0 = performance.now();
    await assert.rejects(
      h.supervisor.start(),
      /exited with code 2: fixture: no usable compute backend/,
    );
    const failMs = performance.now() - t0;
    assert.equal(h.supervisor.state, 'startFailed');
    assert.deepEqual(
      h.states.map((s) => s.state),
      ['starting', 'startFailed'],
    );
    assert.match(h.states[1].message ?? '', /did not start: it exited with code 2/);
    assert.ok(
      h.logs.some((l) => /\[sidecar\] Error: fixture cannot load any backend/.test(l.message)),
    );
    await delay(500);
    assert.equal(h.states.length, 2, 'no restart after a failed start');
    assert.ok(failMs < 5000, `failure took ${failMs} ms to report`);
  });

  void it('reports startFailed for a Node path that does not exist', async () => {
    const h = harness('answering.ts', { nodePath: '/nonexistent/node' });
    await assert.rejects(
      h.supervisor.start(),
      /could not run \/nonexistent\/node: .*ENOENT.*scalenet\.nodePath/,
    );
    assert.equal(h.supervisor.state, 'startFailed');
  });

  void it('refuses a sidecar that speaks another protocol version and kills it', async () => {
    const h = harness('answering.ts', { env: { FIXTURE_PROTOCOL_VERSION: '99' } });
    await assert.rejects(h.supervisor.start(), /speaks protocol 99/);
    assert.equal(h.supervisor.state, 'startFailed');
    const pid = Number(/pid=(\d+)/.exec(h.logs.map((l) => l.message).join('\n'))?.[1]);
    assert.ok(pid > 0);
    await delay(200);
    assert.ok(!isAlive(pid), 'the refused sidecar was killed');
  });
});

void describe('summarizeStderr', () => {
  void it('picks the error line of a Node crash, not its stack or version footer', () => {
    const crash = [
      'node:internal/modules/esm/resolve:873',
      '  throw new ERR_MODULE_NOT_FOUND(packageName, fileURLToPath(base), null);',
      '        ^',
      '',
      "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'tsx' imported from /tmp/x/",
      '    at packageResolve (node:internal/modules/esm/resolve:873:9)',
      '}',
      '',
      'Node.js v20.20.2',
    ];
    assert.equal(
      summarizeStderr(crash),
      "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'tsx' imported from /tmp/x/",
    );
    assert.equal(
      summarizeStderr(['TypeError: x is not a function', '    at f (a.js:1:1)']),
      'TypeError: x is not a function',
    );
    assert.equal(summarizeStderr(['loading', 'no backend', '', 'Node.js v20.1.0']), 'no backend');
    assert.equal(summarizeStderr([]), undefined);
  });
});

void describe('inspectArgs', () => {
  void it('opens the inspector only when SCALENET_SIDECAR_INSPECT is set', () => {
    assert.deepEqual(inspectArgs({}), []);
    assert.deepEqual(inspectArgs({ SCALENET_SIDECAR_INSPECT: '0' }), []);
    assert.deepEqual(inspectArgs({ SCALENET_SIDECAR_INSPECT: '1' }), ['--inspect=9230']);
    assert.deepEqual(inspectArgs({ SCALENET_SIDECAR_INSPECT: 'true' }), ['--inspect=9230']);
    assert.deepEqual(inspectArgs({ SCALENET_SIDECAR_INSPECT: '9333' }), ['--inspect=9333']);
  });
});

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await delay(10);
  }
}
