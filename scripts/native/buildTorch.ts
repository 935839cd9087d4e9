/**
 * Builds the `torch` backend's native addon against the libtorch that
 * sidecar/backend/torchLocate.ts finds, with node-gyp (binding.gyp at the package root).
 *
 *   npm run build:native                build now; exit 1 with the reason when it cannot
 *   (npm ci → scripts/native/install.mjs) the same with --install: never fails the install
 *   --json                              one JSON object per line (the extension's command
 *                                       reads them for progress and the final outcome)
 *   --out DIR                           copy the addon and its manifest into DIR
 *   --root DIR                          the package (binding.gyp, native sources, node_modules)
 *   --stage DIR                         build in DIR (a copy of binding.gyp and the native
 *                                       sources) instead of the package's own build/: the
 *                                       extension builds in its storage, where it may write
 *
 * Outcomes name what is missing — a C++ compiler, libtorch, Node's headers, an ABI
 * mismatch — so that a user can act on them.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import {
  ADDON_FILE,
  MANIFEST_FILE,
  type AddonManifest,
} from '../../sidecar/backend/torchAddonFile';
import {
  describeLibtorch,
  describeSteps,
  locateLibtorch,
  type Libtorch,
} from '../../sidecar/backend/torchLocate';
import { classifyBuildFailure, type BuildOutcome } from './buildOutcome';

interface Options {
  install: boolean;
  json: boolean;
  out?: string;
  /** Where binding.gyp and the sources are: the package itself. */
  root: string;
  stage?: string;
}

const NATIVE_SOURCES = join('sidecar', 'backend', 'torch', 'native');

function parseArgs(argv: string[]): Options {
  const valueOf = (flag: string) => {
    const index = argv.indexOf(flag);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  return {
    install: argv.includes('--install'),
    json: argv.includes('--json'),
    out: valueOf('--out'),
    stage: valueOf('--stage'),
    // --root: the extension passes its install folder (this file is bundled into dist/).
    root: valueOf('--root') ?? join(__dirname, '..', '..'),
  };
}

let jsonMode = false;

function say(message: string): void {
  if (jsonMode) process.stdout.write(`${JSON.stringify({ event: 'log', message })}\n`);
  else process.stdout.write(`[build:native] ${message}\n`);
}

function finish(outcome: BuildOutcome, options: Options): never {
  if (jsonMode) process.stdout.write(`${JSON.stringify({ event: 'result', ...outcome })}\n`);
  else say(outcome.ok ? `done: ${outcome.message}` : `not built: ${outcome.message}`);
  if (!outcome.ok && options.install) {
    say(
      'the install goes on without it: the sidecar uses WebAssembly (npm run build:native to retry)',
    );
    process.exit(0);
  }
  process.exit(outcome.ok ? 0 : 1);
}

/** node-gyp from npm's own install (npm sets npm_config_node_gyp in scripts), or a dependency. */
function findNodeGyp(): string | undefined {
  const candidates: string[] = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  const npm = spawnSync(process.platform === 'win32' ? 'where' : 'which', ['npm'], {
    encoding: 'utf8',
  });
  const npmPath = npm.stdout?.split('\n')[0]?.trim();
  if (npmPath) {
    try {
      const npmDir = dirname(dirname(realpathSync(npmPath)));
      candidates.push(join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
    } catch {
      // npm on PATH is a dangling link: try the others.
    }
  }
  try {
    candidates.push(createRequire(__filename).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not a dependency here
  }
  return candidates.find((c) => existsSync(c));
}

/** Node's headers live in <prefix>/include/node; without them node-gyp downloads them. */
function findNodeDir(): string | undefined {
  const candidates = [process.env.npm_config_nodedir, dirname(dirname(process.execPath))];
  return candidates.find((d) => d != null && existsSync(join(d, 'include', 'node', 'node_api.h')));
}

function findCompiler(): string | undefined {
  for (const cxx of [process.env.CXX, 'c++', 'g++', 'clang++']) {
    if (!cxx) continue;
    const probe = spawnSync(cxx, ['--version'], { encoding: 'utf8' });
    if (probe.status === 0) return `${cxx} (${probe.stdout.split('\n')[0]})`;
  }
  return undefined;
}

function hasCudaLibs(libtorch: Libtorch): boolean {
  try {
    return readdirSync(libtorch.libDir).some((f) => /^libtorch_cuda\.(so|dylib)/.test(f));
  } catch {
    return false;
  }
}

/** Copies binding.gyp and the native sources into `stage`; returns the folder to build in. */
function prepareStage(root: string, stage: string): string {
  mkdirSync(join(stage, NATIVE_SOURCES), { recursive: true });
  copyFileSync(join(root, 'binding.gyp'), join(stage, 'binding.gyp'));
  cpSync(join(root, NATIVE_SOURCES), join(stage, NATIVE_SOURCES), { recursive: true });
  return stage;
}

/**
 * The folder that holds node-addon-api (binding.gyp requires it while configuring): the
 * package's node_modules, or dist/native in a packaged extension (scripts/build.mjs).
 */
function nodeAddonApiModules(root: string): string | undefined {
  try {
    const pkg = createRequire(join(root, 'package.json')).resolve('node-addon-api/package.json');
    return dirname(dirname(pkg));
  } catch {
    const packaged = join(root, 'dist', 'native');
    return existsSync(join(packaged, 'node-addon-api', 'package.json')) ? packaged : undefined;
  }
}

function runNodeGyp(
  nodeGyp: string,
  nodeDir: string,
  libtorch: Libtorch,
  root: string,
  modules: string,
): Promise<{ code: number | null; tail: string[] }> {
  const env = {
    ...process.env,
    NODE_PATH: [modules, process.env.NODE_PATH].filter(Boolean).join(delimiter),
    SCALENET_LIBTORCH_INCLUDE: libtorch.includeDirs.join(' '),
    SCALENET_LIBTORCH_LIB: libtorch.libDir,
    SCALENET_LIBTORCH_CXX11_ABI: libtorch.cxx11Abi === false ? '0' : '1',
    SCALENET_LIBTORCH_EXTRA_LIBS: hasCudaLibs(libtorch) ? '-ltorch_cuda -lc10_cuda' : '',
    // Two cores are common here; node-gyp's default -j1 takes minutes for libtorch code.
    JOBS: process.env.JOBS ?? 'max',
  };
  const args = [nodeGyp, 'rebuild', `--nodedir=${nodeDir}`];
  say(`node-gyp rebuild (cwd ${root})`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env });
    const tail: string[] = [];
    const errors: string[] = [];
    // libtorch's headers print hundreds of deprecation warnings: show the steps and the
    // errors, keep the rest for classifying a failure.
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split(/\r?\n/)) {
        if (line.trim() === '') continue;
        tail.push(line);
        if (tail.length > 40) tail.shift();
        const isError = /error|undefined reference|cannot find|ERR!/i.test(line);
        if (isError && errors.length < 20) errors.push(line);
        if (isError || /^\s*(CXX|SOLINK_MODULE|COPY)\(target\)|gyp info ok/.test(line))
          say(line.trim());
      }
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.on('error', (error) => resolve({ code: -1, tail: [...errors, error.message] }));
    child.on('close', (code) => resolve({ code, tail: [...errors, ...tail] }));
  });
}

/** Loads the fresh addon in a child: an ABI mismatch or a missing library shows here. */
function tryLoad(addon: string): string | undefined {
  const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(addon)})`], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  if (probe.status === 0) return undefined;
  return (
    (probe.stderr || probe.stdout)
      .trim()
      .split('\n')
      .find((l) => /Error|error/.test(l)) ?? 'failed to load'
  );
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  jsonMode = options.json;
  if (options.install && process.env.SCALENET_SKIP_NATIVE === '1') {
    finish({ ok: false, kind: 'skipped', message: 'SCALENET_SKIP_NATIVE=1' }, options);
  }
  const located = locateLibtorch();
  for (const step of located.steps)
    say(`libtorch from ${step.source} (${step.where}): ${step.note}`);
  if (!located.libtorch) {
    finish(
      {
        ok: false,
        kind: 'no-libtorch',
        message: `no libtorch found: ${describeSteps(located.steps)}. Install PyTorch, or apt-get install libtorch-dev, or set SCALENET_LIBTORCH to a libtorch folder`,
      },
      options,
    );
  }
  const libtorch = located.libtorch;
  say(`using ${describeLibtorch(libtorch)}, C++11 ABI ${libtorch.cxx11Abi === false ? 0 : 1}`);
  const compiler = findCompiler();
  if (!compiler) {
    finish(
      {
        ok: false,
        kind: 'no-compiler',
        message: `no C++ compiler (c++, g++ or clang++ on PATH; e.g. apt-get install g++ make). libtorch is ready at ${libtorch.libDir}`,
      },
      options,
    );
  }
  say(`compiler: ${compiler}`);
  const nodeDir = findNodeDir();
  if (!nodeDir) {
    finish(
      {
        ok: false,
        kind: 'no-node-headers',
        message: `Node's headers (include/node/node_api.h) are not beside ${process.execPath}; set npm_config_nodedir to a Node install that has them`,
      },
      options,
    );
  }
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) {
    finish(
      { ok: false, kind: 'no-node-gyp', message: 'node-gyp not found (it comes with npm)' },
      options,
    );
  }
  if (!existsSync(join(options.root, 'binding.gyp'))) {
    finish(
      { ok: false, kind: 'no-sources', message: `no binding.gyp in ${options.root}` },
      options,
    );
  }
  const modules = nodeAddonApiModules(options.root);
  if (!modules) {
    finish(
      { ok: false, kind: 'no-node-gyp', message: 'node-addon-api is not installed (npm ci)' },
      options,
    );
  }
  const buildDir = options.stage ? prepareStage(options.root, options.stage) : options.root;
  const started = Date.now();
  const build = await runNodeGyp(nodeGyp, nodeDir, libtorch, buildDir, modules);
  if (build.code !== 0) finish(classifyBuildFailure(build.tail, libtorch), options);
  const addon = join(buildDir, 'build', 'Release', ADDON_FILE);
  const loadProblem = tryLoad(addon);
  if (loadProblem) finish(classifyBuildFailure([loadProblem], libtorch, 'load'), options);
  const manifest: AddonManifest = {
    libtorch,
    builtAt: new Date().toISOString(),
    nodeVersion: process.version,
  };
  writeFileSync(join(dirname(addon), MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  let where = addon;
  if (options.out) {
    mkdirSync(options.out, { recursive: true });
    copyFileSync(addon, join(options.out, ADDON_FILE));
    copyFileSync(join(dirname(addon), MANIFEST_FILE), join(options.out, MANIFEST_FILE));
    where = join(options.out, ADDON_FILE);
  }
  finish(
    {
      ok: true,
      kind: 'built',
      message: `${where} against ${describeLibtorch(libtorch)} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
      addon: where,
    },
    options,
  );
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const install = process.argv.includes('--install');
  process.stdout.write(`[build:native] unexpected failure: ${message}\n`);
  process.exit(install ? 0 : 1);
});
