// tfjs-core's own op tests (node_modules/@tensorflow/tfjs-core/dist/ops/*_test.js) on the
// torch backend, the way tfjs-backend-wasm and tfjs-node run them: jasmine, setTestEnvs
// with one torch environment, a filter list with every exclusion and its reason
// (suiteFilters.ts). The test files are ESM without file extensions, so they are bundled
// with esbuild first, with '@tensorflow/tfjs-core' pointing at the same ESM build the
// tests import (one engine). Prints passed / failed / excluded and exits 1 on a failure.
//   node test/torch/tfjs-core-suite.mjs [--filter SUBSTRING] [--list-failures]
import * as esbuild from 'esbuild';
import Jasmine from 'jasmine';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const coreDist = join(root, 'node_modules/@tensorflow/tfjs-core/dist');
const args = process.argv.slice(2);
const filter = args.includes('--filter') ? args[args.indexOf('--filter') + 1] : undefined;
const listFailures = args.includes('--list-failures');
// The bundle runs from a temp folder, where the addon's usual places (../build from the
// bundle) do not exist: point at this checkout's build unless told otherwise.
process.env.SCALENET_TORCH_ADDON ||= join(root, 'build', 'Release', 'scalenet_torch.node');

const tests = readdirSync(join(coreDist, 'ops'))
  .filter((f) => f.endsWith('_test.js'))
  .sort();
const out = mkdtempSync(join(tmpdir(), 'scalenet-tfjs-core-suite-'));
const entry = join(out, 'entry.js');
writeFileSync(
  entry,
  [`import ${JSON.stringify(join(root, 'test/torch/suiteSetup.ts'))};`]
    .concat(tests.map((f) => `import ${JSON.stringify(join(coreDist, 'ops', f))};`))
    .join('\n'),
);
const bundle = join(out, 'suite.cjs');
await esbuild.build({
  entryPoints: [entry],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'error',
  // tfjs-core's package.json lists its side-effect files; the test files are not on it.
  ignoreAnnotations: true,
  mainFields: ['module', 'main'],
  plugins: [
    {
      name: 'one-tfjs-core',
      setup(build) {
        build.onResolve({ filter: /^@tensorflow\/tfjs-core$/ }, () => ({
          path: join(coreDist, 'index.js'),
        }));
      },
    },
  ],
  // tfjs-core's node-only helpers it requires lazily.
  external: ['node-fetch', 'util', 'worker_threads'],
});

const counts = { passed: 0, failed: 0, excluded: 0, pending: 0 };
/** @type {string[]} */
const failures = [];
const jasmine = new Jasmine({ projectBaseDir: out });
jasmine.exitOnCompletion = false;
jasmine.loadConfig({ spec_files: [bundle], random: false });
jasmine.env.clearReporters();
jasmine.env.addReporter({
  /** @param {{ status: string, fullName: string, failedExpectations: { message?: string }[] }} result */
  specDone(result) {
    if (result.status === 'passed') counts.passed++;
    else if (result.status === 'failed') {
      counts.failed++;
      failures.push(`${result.fullName}: ${result.failedExpectations[0]?.message?.split('\n')[0]}`);
    } else if (result.status === 'excluded') counts.excluded++;
    else counts.pending++;
  },
});
if (filter)
  jasmine.env.configure({
    specFilter: (/** @type {{ getFullName(): string }} */ spec) =>
      spec.getFullName().includes(filter),
  });
const result = await jasmine.execute();
if (listFailures || counts.failed > 0) for (const f of failures) console.log(`FAILED ${f}`);
console.log(
  `tfjs-core op suite on torch (${tests.length} test files): ${counts.passed} passed, ${counts.failed} failed, ${counts.excluded} excluded` +
    (counts.pending ? `, ${counts.pending} pending` : ''),
);
process.exitCode =
  counts.failed > 0 || (result.overallStatus === 'failed' && counts.failed > 0) ? 1 : 0;
