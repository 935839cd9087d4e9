// Bundles each component with esbuild into dist/ and copies the wasm binaries the
// sidecar loads at run time. Flags: --watch, --production (minify, no sourcemaps).
//
// --watch prints, for the problem matchers of .vscode/tasks.json:
//   "[watch] build started" / "[watch] build finished: N errors" around every rebuild
//   (esbuild's own error lines in between), then
//   "[watch] typecheck started" / "[watch] typecheck finished: N errors" around a
//   `tsc --noEmit` of each rebuilt component (esbuild does not type-check), its errors
//   as tsc prints them without --pretty: "file(line,col): error TSnnnn: message".
// SCALENET_BUILD_ONLY=extension,webview (names in the output paths) builds and checks
// only those.
import * as esbuild from 'esbuild';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

// tfjs-node-gpu is optional and native: resolved at run time from node_modules or from
// the extension's storage, never bundled. sharp loads its libvips binary
// (@img/sharp-<platform>) at run time, so it stays a node_modules package too.
const NODE_EXTERNALS = ['vscode', '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node', 'sharp'];

/**
 * @param {string} entry
 * @param {string} outfile
 * @param {esbuild.BuildOptions} [extra]
 * @returns {esbuild.BuildOptions}
 */
const nodeBundle = (entry, outfile, extra = {}) => ({
  ...common,
  entryPoints: [entry],
  outfile,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: NODE_EXTERNALS,
  // Prefer ES modules: jsonc-parser's UMD build hides its requires from the bundler.
  mainFields: ['module', 'main'],
  ...extra,
});

const webviewEntries = existsSync(join(root, 'webview'))
  ? readdirSync(join(root, 'webview'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(root, 'webview', d.name, 'main.ts')))
      .map((d) => ({ in: `webview/${d.name}/main.ts`, out: d.name }))
  : [];

const only = process.env.SCALENET_BUILD_ONLY?.split(',');
/** @type {{ options: esbuild.BuildOptions, project: string }[]} */
const builds = [
  { options: nodeBundle('extension/main.ts', 'dist/extension.js'), project: 'extension' },
  { options: nodeBundle('sidecar/main.ts', 'dist/sidecar.js'), project: 'sidecar' },
  // The sidecar's inspect worker thread (sidecar/inspect/workerClient.ts loads it).
  {
    options: nodeBundle('sidecar/inspect/worker.ts', 'dist/sidecar-inspect-worker.js'),
    project: 'sidecar',
  },
  {
    options: nodeBundle('cli/main.ts', 'dist/cli.js', {
      banner: { js: '#!/usr/bin/env node' },
      // `scalenet report` charts: Vega is ESM with a top-level await (loaded by import()),
      // resvg a native addon; both resolve from node_modules at run time.
      external: [...NODE_EXTERNALS, 'vega', 'vega-lite', '@resvg/resvg-js'],
    }),
    project: 'cli',
  },
  // The torch addon's build program, for "ScaleNet: Set Up Native Backend" in a packaged
  // extension (npm run build:native runs the same file from the sources).
  {
    options: nodeBundle('scripts/native/buildTorch.ts', 'dist/build-native.js'),
    project: 'scripts/native',
  },
];
if (webviewEntries.length > 0) {
  builds.push({
    options: {
      ...common,
      entryPoints: webviewEntries,
      outdir: 'dist/webview',
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
    },
    project: 'webview',
  });
}

function copyWasmBinaries() {
  const from = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  mkdirSync(join(root, 'dist'), { recursive: true });
  for (const file of readdirSync(from).filter((f) => f.endsWith('.wasm'))) {
    cpSync(join(from, file), join(root, 'dist', file));
  }
}

/**
 * node-addon-api's headers, for "ScaleNet: Set Up Native Backend" in a packaged extension
 * (vsce leaves node_modules out): dist/build-native.js puts dist/native on NODE_PATH.
 */
function copyNodeAddonApi() {
  const from = join(root, 'node_modules/node-addon-api');
  if (existsSync(from)) {
    cpSync(from, join(root, 'dist/native/node-addon-api'), { recursive: true });
  }
}

/** The embedded default dataset ships inside the extension, beside the sidecar bundle. */
function copyEmbeddedDataset() {
  cpSync(join(root, 'sidecar/data/embedded'), join(root, 'dist/embedded'), { recursive: true });
}

/**
 * Watch mode: one begin/end pair per rebuild however many bundles it touches (esbuild
 * rebuilds each context on its own), then a type check of the components rebuilt.
 * @param {{ options: esbuild.BuildOptions, project: string }[]} selected
 */
async function watchAll(selected) {
  let active = 0;
  let errors = 0;
  /** @type {Set<string>} */
  const rebuilt = new Set();
  const typecheck = typechecker();
  const contexts = await Promise.all(
    selected.map(({ options, project }) =>
      esbuild.context({
        ...options,
        plugins: [
          {
            name: 'watch-lines',
            setup(build) {
              build.onStart(() => {
                if (active++ === 0) {
                  errors = 0;
                  console.log('[watch] build started');
                }
              });
              build.onEnd((result) => {
                errors += result.errors.length;
                rebuilt.add(project);
                if (--active === 0) {
                  console.log(`[watch] build finished: ${errors} errors`);
                  typecheck([...rebuilt]);
                  rebuilt.clear();
                }
              });
            },
          },
        ],
      }),
    ),
  );
  await Promise.all(contexts.map((c) => c.watch()));
}

/**
 * A function that type-checks projects (`tsc -p <project> --noEmit`) one after another,
 * between begin/end lines. A call while a check runs stops that check; the next one
 * checks the union, so no component asked for is left unchecked.
 * @returns {(projects: string[]) => void}
 */
function typechecker() {
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  /** @type {Set<string>} */
  const pending = new Set();
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let child;
  let chain = Promise.resolve();

  /**
   * @param {string} project
   * @returns {Promise<string | undefined>} tsc's output, or undefined when it was stopped
   */
  const check = (project) =>
    new Promise((resolve) => {
      child = spawn(process.execPath, [tsc, '-p', project, '--noEmit', '--pretty', 'false'], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout?.on('data', (chunk) => {
        out += String(chunk);
      });
      child.on('close', (_code, signal) => {
        child = undefined;
        resolve(signal ? undefined : out);
      });
    });

  /** @param {string[]} projects @returns {Promise<boolean>} whether it ran to the end */
  async function run(projects) {
    console.log('[watch] typecheck started');
    let errors = 0;
    for (const project of projects) {
      const out = await check(project);
      if (out === undefined) return false;
      process.stdout.write(out);
      errors += out.split('\n').filter((line) => /\): error TS\d+:/.test(line)).length;
    }
    console.log(`[watch] typecheck finished: ${errors} errors`);
    return true;
  }

  return (projects) => {
    for (const p of projects) pending.add(p);
    child?.kill();
    chain = chain.then(async () => {
      if (pending.size === 0) return;
      const now = [...pending];
      pending.clear();
      if (!(await run(now))) for (const p of now) pending.add(p);
    });
  };
}

/**
 * sharp stays outside the bundle (it loads a native libvips), and the .vsix carries no
 * node_modules: a production build puts sharp, its two JS dependencies and the
 * @img/sharp-* binaries installed for this platform into dist/node_modules, where
 * dist/sidecar.js finds them first.
 */
function copySharpRuntime() {
  const modules = join(root, 'node_modules');
  const binaries = readdirSync(join(modules, '@img')).map((name) => `@img/${name}`);
  for (const name of ['sharp', 'detect-libc', 'semver', ...binaries]) {
    cpSync(join(modules, name), join(root, 'dist/node_modules', name), {
      recursive: true,
      dereference: true,
    });
  }
}

// A production build starts from an empty dist/, so no stale source maps get packaged.
if (production) rmSync(join(root, 'dist'), { recursive: true, force: true });
copyWasmBinaries();
copyEmbeddedDataset();
if (production) copySharpRuntime();
copyNodeAddonApi();
const selected = only
  ? builds.filter(({ options }) =>
      only.some((name) => String(options.outfile ?? options.outdir).includes(name)),
    )
  : builds;
if (watch) {
  await watchAll(selected);
} else {
  await Promise.all(selected.map(({ options }) => esbuild.build(options)));
}
