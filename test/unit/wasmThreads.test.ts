/**
 * Threads for the wasm backend under Node (sidecar/backend/wasmThreads.ts): the switch,
 * and a threaded start in a child process checked against the cpu backend.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { requestedWasmThreads } from '../../sidecar/backend/wasmThreads';

function runChild(env: Record<string, string>): {
  label: string;
  threads: number;
  maxDiff: number;
} {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(__dirname, '..', 'helpers', 'wasmThreadsChild.ts')],
    { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 },
  );
  const line = out.split('\n').find((l) => l.startsWith('{'));
  assert.ok(line, `no result line in: ${out}`);
  return JSON.parse(line) as { label: string; threads: number; maxDiff: number };
}

void describe('SCALENET_WASM_THREADS', () => {
  void it('parses off, counts and on; rejects anything else', () => {
    assert.equal(requestedWasmThreads({}), 1);
    assert.equal(requestedWasmThreads({ SCALENET_WASM_THREADS: 'off' }), 1);
    assert.equal(requestedWasmThreads({ SCALENET_WASM_THREADS: '0' }), 1);
    assert.equal(requestedWasmThreads({ SCALENET_WASM_THREADS: '3' }), 3);
    assert.ok(requestedWasmThreads({ SCALENET_WASM_THREADS: 'on' }) >= 2);
    assert.throws(() => requestedWasmThreads({ SCALENET_WASM_THREADS: 'many' }), /many/);
    assert.throws(() => requestedWasmThreads({ SCALENET_WASM_THREADS: '-2' }), /-2/);
  });

  void it('2 threads start under Node, say so, and match the cpu backend', () => {
    const result = runChild({ SCALENET_WASM_THREADS: '2' });
    console.log(`threaded wasm vs cpu: max abs diff = ${result.maxDiff.toExponential(2)}`);
    assert.equal(result.threads, 2);
    assert.match(result.label, /2 threads/);
    assert.ok(result.maxDiff < 1e-3, `max abs diff ${result.maxDiff}`);
  });

  void it('stays on one thread unless asked', () => {
    const result = runChild({ SCALENET_WASM_THREADS: '' });
    assert.equal(result.threads, 1);
    assert.match(result.label, /1 thread\b/);
    assert.ok(result.maxDiff < 1e-3, `max abs diff ${result.maxDiff}`);
  });
});
