// Bundles each component with esbuild into dist/ and copies the wasm binaries the
// sidecar loads at run time. Flags: --watch, --production (minify, no sourcemaps).
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

const nodeBundle = (entry, outfile, extra = {}) => ({
  ...common,
  entryPoints: [entry],
  outfile,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // tfjs-node-gpu is optional and native: resolved at run time from node_modules or
  // from the extension's storage, never bundled. sharp loads its libvips binary
  // (@img/sharp-<platform>) at run time, so it stays a node_modules package too.
  external: ['vscode', '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node', 'sharp'],
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
const builds = [
  nodeBundle('extension/main.ts', 'dist/extension.js'),
  nodeBundle('sidecar/main.ts', 'dist/sidecar.js'),
  nodeBundle('cli/main.ts', 'dist/cli.js', { banner: { js: '#!/usr/bin/env node' } }),
];
if (webviewEntries.length > 0) {
  builds.push({
    ...common,
    entryPoints: webviewEntries,
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  });
}

function copyWasmBinaries() {
  const from = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  mkdirSync(join(root, 'dist'), { recursive: true });
  for (const file of readdirSync(from).filter((f) => f.endsWith('.wasm'))) {
    cpSync(join(from, file), join(root, 'dist', file));
  }
}

/** The embedded default dataset ships inside the extension, beside the sidecar bundle. */
function copyEmbeddedDataset() {
  cpSync(join(root, 'sidecar/data/embedded'), join(root, 'dist/embedded'), { recursive: true });
}

// A production build starts from an empty dist/, so no stale source maps get packaged.
if (production) rmSync(join(root, 'dist'), { recursive: true, force: true });
copyWasmBinaries();
copyEmbeddedDataset();
const selected = only
  ? builds.filter((b) => only.some((name) => (b.outfile ?? b.outdir).includes(name)))
  : builds;
if (watch) {
  const contexts = await Promise.all(selected.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[watch] build finished, watching for changes');
} else {
  await Promise.all(selected.map((b) => esbuild.build(b)));
}
