/**
 * The real sidecar (dist/sidecar.js) spoken to with raw IPC messages, as a careless or
 * hostile client would: malformed envelopes and mistyped params get JSON-RPC errors
 * (never silence), and after `shutdown` the process serves nothing more and exits.
 */
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PROTOCOL_VERSION } from '../../sidecar/protocol';
import { SIDECAR_SCRIPT, tempDir } from '../helpers/sidecar';

interface Reply {
  jsonrpc: string;
  id?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
  method?: string;
}

interface RawSidecar {
  child: ChildProcess;
  replies: Reply[];
  log: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The first reply matching, within `timeoutMs`. */
  reply(match: (r: Reply) => boolean, timeoutMs?: number): Promise<Reply>;
}

function rawSidecar(): RawSidecar {
  const child = fork(SIDECAR_SCRIPT, [], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const replies: Reply[] = [];
  const log: string[] = [];
  child.on('message', (m) => replies.push(m as Reply));
  child.stderr?.on('data', (d: Buffer) => log.push(...d.toString().split('\n').filter(Boolean)));
  child.stdout?.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    replies,
    log,
    exited,
    reply: (match, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const timer = setInterval(() => {
          const found = replies.find(match);
          if (found) {
            clearInterval(timer);
            resolve(found);
          } else if (Date.now() - started > timeoutMs) {
            clearInterval(timer);
            reject(new Error(`no matching reply in ${timeoutMs} ms: ${JSON.stringify(replies)}`));
          }
        }, 10);
      }),
  };
}

const byId = (id: unknown) => (r: Reply) => r.id === id && r.method === undefined;

const initialize = (id: number) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { clientName: 'raw-test', protocolVersion: PROTOCOL_VERSION, backend: 'cpu' },
});

describe('sidecar envelope and shutdown', () => {
  it('malformed envelopes and mistyped params get JSON-RPC errors, and serving goes on', async () => {
    const sidecar = rawSidecar();
    try {
      const send = (m: unknown) => sidecar.child.send(m as object);
      send({ jsonrpc: '1.0', id: 1, method: 'runs/list', params: { runsDir: tempDir('env') } });
      send({ jsonrpc: '2.0', id: { a: 1 }, method: 'runs/list', params: { runsDir: '/tmp' } });
      send({ jsonrpc: '2.0', id: 3, params: {} });
      const version = await sidecar.reply(byId(1));
      assert.equal(version.error?.code, -32600);
      assert.match(version.error.message, /"jsonrpc" must be "2\.0", got "1\.0"/);
      const objectId = await sidecar.reply((r) => r.id === null);
      assert.equal(objectId.error?.code, -32600);
      assert.match(objectId.error.message, /"id" must be a string or a number/);
      const noMethod = await sidecar.reply(byId(3));
      assert.equal(noMethod.error?.code, -32600);

      send(initialize(4));
      assert.ok((await sidecar.reply(byId(4), 60_000)).result, 'initialize still served');
      // A number is a file descriptor to fs (0 would read stdin): refused, field named.
      send({ jsonrpc: '2.0', id: 5, method: 'run/start', params: { configPath: 0 } });
      send({ jsonrpc: '2.0', id: 6, method: 'run/start', params: { configPath: '' } });
      send({
        jsonrpc: '2.0',
        id: 7,
        method: 'harris/preview',
        params: { source: { kind: 'config', configPath: 0 } },
      });
      send({ jsonrpc: '2.0', id: 8, method: 'runs/list', params: { runsDir: 42 } });
      for (const [id, field] of [
        [5, 'params.configPath'],
        [6, 'params.configPath'],
        [7, 'params.source.configPath'],
        [8, 'params.runsDir'],
      ] as const) {
        const reply = await sidecar.reply(byId(id));
        assert.equal(reply.error?.code, -32602, JSON.stringify(reply));
        assert.ok(
          reply.error.message.includes(`${field} must be a non-empty string`),
          reply.error.message,
        );
      }
      // Well-formed requests are served as before.
      const dir = tempDir('env-list');
      send({ jsonrpc: '2.0', id: 'list', method: 'runs/list', params: { runsDir: dir } });
      assert.deepEqual((await sidecar.reply(byId('list'))).result, []);
    } finally {
      sidecar.child.kill('SIGKILL');
    }
  });

  it('after shutdown is answered nothing more is served, and the process exits 0', async () => {
    const dir = tempDir('env-shutdown');
    const configPath = join(dir, 'tiny.scalenet.json');
    writeFileSync(
      configPath,
      JSON.stringify({ data: { dataset: 'embedded', limit: 64 }, pretext: { epochs: [1] } }),
    );
    const sidecar = rawSidecar();
    const send = (m: unknown) => sidecar.child.send(m as object);
    // A run of requests before initialize, then shutdown, then initialize and run/start.
    for (let id = 1; id <= 5; id++) {
      send({ jsonrpc: '2.0', id, method: 'run/start', params: { configPath } });
    }
    send({ jsonrpc: '2.0', id: 10, method: 'shutdown', params: {} });
    send(initialize(11));
    send({ jsonrpc: '2.0', id: 12, method: 'run/start', params: { configPath } });
    const exit = await Promise.race([
      sidecar.exited,
      new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 15_000)),
    ]);
    if (exit === 'still running') sidecar.child.kill('SIGKILL');
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.deepEqual(sidecar.replies.find(byId(10))?.result, null, 'shutdown answered');
    for (const id of [11, 12]) {
      const reply = sidecar.replies.find(byId(id));
      assert.equal(reply?.error?.code, -32600, `request ${id}: ${JSON.stringify(reply)}`);
      assert.match(reply.error.message, /shutting down/);
    }
    assert.ok(!sidecar.log.some((line) => /connected; backend/.test(line)), sidecar.log.join('\n'));
    assert.ok(!sidecar.replies.some((r) => r.id === 12 && r.result), 'no run started');
  });
});
