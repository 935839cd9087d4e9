/**
 * `npm run test:electron`: the same extension-host tests as host.test.mjs
 * (host/extensionTests.js), launched in a downloaded VS Code by @vscode/test-electron.
 * It needs a network (it downloads VS Code), so it is not part of `npm test` or CI here;
 * code-server runs the same module offline (host.test.mjs).
 *
 * VSCODE_TEST_VERSION picks the VS Code version (default 1.100.3, the one code-server
 * 4.100.3 embeds, so both launches test the same host; "stable" for the latest).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt } from './harness/extension.mjs';
import { createSandbox } from './harness/sandbox.mjs';

let runTests;
try {
  ({ runTests } = await import('@vscode/test-electron'));
} catch {
  console.error(
    'test:electron needs @vscode/test-electron (a root devDependency: npm ci at the repository root).',
  );
  process.exit(1);
}

const root = ensureBuilt();
const sandbox = createSandbox('electron');
const resultFile = join(sandbox.root, 'host-result.json');
let exitCode = 1;
try {
  await runTests({
    version: process.env.VSCODE_TEST_VERSION ?? '1.100.3',
    extensionDevelopmentPath: root,
    extensionTestsPath: join(import.meta.dirname, 'host', 'extensionTests.js'),
    extensionTestsEnv: { SCALENET_E2E_RESULT: resultFile, HOME: sandbox.home },
    launchArgs: [
      sandbox.workspace,
      '--user-data-dir',
      sandbox.userDataDir,
      '--extensions-dir',
      sandbox.extensionsDir,
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
    ],
  });
  exitCode = 0;
} catch (error) {
  console.error(
    `VS Code exited with a failure: ${error instanceof Error ? error.message : String(error)}`,
  );
} finally {
  if (existsSync(resultFile)) {
    /** @type {unknown} JSON.parse's any, checked as the report below */
    const parsed = JSON.parse(readFileSync(resultFile, 'utf8'));
    const report = /** @type {import('./host/extensionTests.js').HostReport} */ (parsed);
    for (const t of report.tests) console.log(`${t.ok ? 'ok  ' : 'FAIL'} ${t.name}`);
    if (report.tests.some((t) => !t.ok)) exitCode = 1;
    console.log(`${report.appName} ${report.vscodeVersion}: ${report.tests.length} tests`);
  } else {
    console.error('No result file: the tests did not run.');
    exitCode = 1;
  }
  sandbox.remove();
}
process.exit(exitCode);
