/**
 * The extension-host integration tests (host/extensionTests.js) run inside code-server:
 * the workbench URL's payload names the repository as the extension under development
 * and the test module; the module writes its results to a file, which is asserted here,
 * one node:test subtest per host test.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCodeServer } from './harness/codeServer.mjs';
import { ensureBuilt } from './harness/extension.mjs';
import { createSandbox } from './harness/sandbox.mjs';
import { openWorkbench, poll } from './harness/workbench.mjs';

const TEST_MODULE = join(import.meta.dirname, 'host', 'extensionTests.js');

describe('extension host tests inside code-server (extensionTestsPath payload)', () => {
  const started = Date.now();
  /** @type {import('./harness/sandbox.mjs').Sandbox} */ let sandbox;
  /** @type {import('./harness/codeServer.mjs').CodeServer | undefined} */ let server;
  /** @type {import('./harness/workbench.mjs').Workbench | undefined} */ let workbench;
  let resultFile = '';

  before(async () => {
    const root = ensureBuilt();
    sandbox = createSandbox('host');
    resultFile = join(sandbox.root, 'host-result.json');
    sandbox.env.SCALENET_E2E_RESULT = resultFile;
    const started = (server = await startCodeServer(sandbox));
    const remote = (/** @type {string} */ path) =>
      `vscode-remote://127.0.0.1:${started.port}${path}`;
    const payload = [
      ['extensionDevelopmentPath', remote(root)],
      ['extensionTestsPath', remote(TEST_MODULE)],
    ];
    workbench = await openWorkbench(server.origin, sandbox.workspace, {
      label: 'host',
      query: { payload: JSON.stringify(payload) },
    });
  });

  after(async () => {
    await workbench?.close();
    await server?.stop();
    sandbox?.remove();
    console.log(`host suite: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it('every extension host test passes', async (t) => {
    await poll(() => existsSync(resultFile), {
      timeoutMs: 120_000,
      intervalMs: 250,
      what: `the host tests' result file (code-server log:\n${server?.log().slice(-3000)})`,
    });
    await workbench?.screenshot('host-tests-done');
    /** @type {unknown} JSON.parse's any, checked as the report below */
    const parsed = JSON.parse(readFileSync(resultFile, 'utf8'));
    const report = /** @type {import('./host/extensionTests.js').HostReport} */ (parsed);
    assert.match(report.vscodeVersion, /^1\.100\./, 'ran in VS Code 1.100 (code-server 4.100.3)');
    assert.ok(report.tests.length >= 9, `${report.tests.length} host tests reported`);
    for (const result of report.tests) {
      await t.test(result.name, (st) => {
        st.diagnostic(`${result.ms} ms in the extension host`);
        assert.ok(result.ok, result.error);
      });
    }
  });
});
