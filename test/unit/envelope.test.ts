/** The JSON-RPC gate's verdicts, message by message (the real sidecar is envelope.test.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INVALID_PARAMS, INVALID_REQUEST, judgeMessage } from '../../sidecar/rpc/envelope';

const request = (over: Record<string, unknown>) => ({
  jsonrpc: '2.0',
  id: 1,
  method: 'runs/list',
  params: { runsDir: '/tmp/runs' },
  ...over,
});

describe('JSON-RPC envelope gate', () => {
  it('passes well-formed requests, notifications and responses', () => {
    assert.deepEqual(judgeMessage(request({}), false), { pass: true });
    assert.deepEqual(judgeMessage(request({ id: 'a' }), false), { pass: true });
    assert.deepEqual(judgeMessage({ jsonrpc: '2.0', method: 'exit' }, false), { pass: true });
    assert.deepEqual(judgeMessage({ jsonrpc: '2.0', id: 3, result: null }, false), { pass: true });
  });

  it('answers what it refuses with the id when usable, null when not, nothing for notifications', () => {
    const cases: [unknown, unknown][] = [
      [request({ jsonrpc: '1.0' }), 1],
      [request({ jsonrpc: undefined }), 1],
      [request({ id: { a: 1 } }), null],
      [request({ id: [1] }), null],
      [request({ id: Number.NaN }), null],
      [request({ method: 7 }), 1],
      [request({ method: '' }), 1],
      [[request({})], null],
      ['{"jsonrpc":"2.0"}', null],
    ];
    for (const [message, id] of cases) {
      const verdict = judgeMessage(message, false);
      assert.equal(verdict.pass, false, JSON.stringify(message));
      assert.deepEqual(
        verdict.pass ? undefined : [verdict.reply?.id, verdict.reply?.code],
        [id, INVALID_REQUEST],
        JSON.stringify(message),
      );
    }
    const notification = judgeMessage({ jsonrpc: '1.0', method: 'x' }, false);
    assert.ok(
      !notification.pass && notification.reply === undefined,
      'a notification gets no answer',
    );
  });

  it('names the field of a mistyped path', () => {
    const verdict = judgeMessage(
      request({ method: 'run/start', params: { configPath: 0, runsDir: '/r' } }),
      false,
    );
    assert.ok(!verdict.pass && verdict.reply);
    assert.equal(verdict.reply.code, INVALID_PARAMS);
    assert.match(
      verdict.reply.message,
      /params\.configPath must be a non-empty string.*got number 0/,
    );
    const optional = judgeMessage(
      request({ method: 'run/start', params: { configPath: '/c' } }),
      false,
    );
    assert.deepEqual(optional, { pass: true }, 'runsDir and resume are optional');
    const resume = judgeMessage(
      request({ method: 'run/start', params: { configPath: '/c', resume: 5 } }),
      false,
    );
    assert.ok(!resume.pass && resume.reply?.message.includes('params.resume'));
    const files = judgeMessage(
      request({
        method: 'harris/preview',
        params: { source: { kind: 'files', paths: ['/a.png'] } },
      }),
      false,
    );
    assert.deepEqual(files, { pass: true });
  });

  it('refuses every request after shutdown, and drops notifications', () => {
    const after = judgeMessage(request({ method: 'initialize', id: 9 }), true);
    assert.ok(!after.pass && after.reply);
    assert.equal(after.reply.id, 9);
    assert.equal(after.reply.code, INVALID_REQUEST);
    assert.match(after.reply.message, /shutting down/);
    const dropped = judgeMessage({ jsonrpc: '2.0', method: '$/cancelRequest' }, true);
    assert.ok(!dropped.pass && dropped.reply === undefined);
  });
});
