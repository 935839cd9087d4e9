/**
 * Finding libtorch for the `torch` backend's native addon (issue 11), in a fixed order,
 * every step reported so that a user who expected another libtorch learns why it was not
 * taken:
 *   1. a path the user gives: SCALENET_LIBTORCH (the extension's `scalenet.libtorchPath`);
 *   2. the user's PyTorch: `python3 -c "import torch"` → its include/ and lib/, with the
 *      C++ ABI it was built with (`torch._C._GLIBCXX_USE_CXX11_ABI`);
 *   3. Debian's libtorch-dev (/usr/include/torch, /usr/lib/<multiarch>/libtorch.so).
 * A path the user names and that is wrong stops the search: silently taking another
 * libtorch would hide their mistake. Pure Node (fs, child_process): the install-time build
 * script, the sidecar's chooser and `scalenet info` share it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type LibtorchSource = 'setting' | 'pytorch' | 'debian';

export interface Libtorch {
  source: LibtorchSource;
  /** The folder that holds include/ and lib/ (for Debian: /usr). */
  root: string;
  includeDirs: string[];
  libDir: string;
  /** e.g. "1.13.1" (Debian package) or torch.__version__; undefined when unknown. */
  version?: string;
  /** _GLIBCXX_USE_CXX11_ABI that libtorch was built with; undefined when unknown. */
  cxx11Abi?: boolean;
  /** The CUDA version libtorch was built with (PyTorch only), e.g. "12.1". */
  cuda?: string;
}

export interface LocateStep {
  source: LibtorchSource;
  /** What was looked at: a path or a command. */
  where: string;
  found: boolean;
  /** Why it was or was not taken, in words a user can act on. */
  note: string;
}

export interface LocateResult {
  libtorch?: Libtorch;
  steps: LocateStep[];
}

/** What the probe needs from the system: injectable so that tests can fake a PyTorch. */
export interface LocateProbe {
  exists(path: string): boolean;
  readText(path: string): string | undefined;
  /** Runs python with a script; its stdout, or an Error with why it failed. */
  runPython(python: string, script: string): string | Error;
  /** dpkg's version of a package, or undefined. */
  debianVersion(pkg: string): string | undefined;
}

export const systemProbe: LocateProbe = {
  exists: existsSync,
  readText: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  runPython: (python, script) => {
    try {
      return execFileSync(python, ['-c', script], {
        encoding: 'utf8',
        timeout: 30_000,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      const e = error as { code?: string; stderr?: string; message?: string };
      if (e.code === 'ENOENT') return new Error(`${python} not found`);
      const last = (e.stderr ?? e.message ?? '').trim().split('\n').at(-1) ?? '';
      return new Error(last || 'failed');
    }
  },
  debianVersion: (pkg) => {
    try {
      const v = execFileSync('dpkg-query', ['-W', '-f=${Version}', pkg], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
      return v === '' ? undefined : v;
    } catch {
      return undefined;
    }
  },
};

const TORCH_HEADER = join('torch', 'csrc', 'api', 'include', 'torch', 'torch.h');

const PYTHON_SCRIPT = [
  'import json, os, torch',
  'print(json.dumps({"dir": os.path.dirname(torch.__file__), "version": torch.__version__,',
  ' "abi": bool(torch._C._GLIBCXX_USE_CXX11_ABI), "cuda": torch.version.cuda}))',
].join('\n');

/** The two include folders a libtorch build needs, under `includeRoot`. */
function includeDirsUnder(includeRoot: string): string[] {
  return [includeRoot, join(includeRoot, 'torch', 'csrc', 'api', 'include')];
}

/** The ABI recorded in a libtorch distribution's TorchConfig.cmake (the zip layout). */
function abiFromCmake(probe: LocateProbe, root: string): boolean | undefined {
  for (const file of [
    join(root, 'share', 'cmake', 'Torch', 'TorchConfig.cmake'),
    join(root, 'lib', 'cmake', 'Torch', 'TorchConfig.cmake'),
  ]) {
    const match = /_GLIBCXX_USE_CXX11_ABI=([01])/.exec(probe.readText(file) ?? '');
    if (match) return match[1] === '1';
  }
  return undefined;
}

/** A folder laid out as libtorch (include/ + lib/): the libtorch zip, or torch/ of PyTorch. */
function checkLayout(probe: LocateProbe, root: string): string | undefined {
  if (!probe.exists(root)) return `${root} does not exist`;
  if (!probe.exists(join(root, 'include', TORCH_HEADER))) {
    return `${root} has no include/${TORCH_HEADER.replaceAll('\\', '/')}`;
  }
  if (!probe.exists(join(root, 'lib', libName('torch')))) {
    return `${root} has no lib/${libName('torch')}`;
  }
  return undefined;
}

function libName(base: string): string {
  if (process.platform === 'darwin') return `lib${base}.dylib`;
  if (process.platform === 'win32') return `${base}.lib`;
  return `lib${base}.so`;
}

function fromSetting(probe: LocateProbe, path: string): LocateResult['libtorch'] | string {
  const problem = checkLayout(probe, path);
  if (problem != null)
    return `${problem} (fix SCALENET_LIBTORCH / scalenet.libtorchPath or unset it)`;
  return {
    source: 'setting',
    root: path,
    includeDirs: includeDirsUnder(join(path, 'include')),
    libDir: join(path, 'lib'),
    cxx11Abi: abiFromCmake(probe, path),
  };
}

interface PythonTorch {
  dir: string;
  version: string;
  abi: boolean;
  cuda: string | null;
}

function pythonCandidates(env: NodeJS.ProcessEnv): string[] {
  const fromEnv = env.SCALENET_PYTHON?.trim();
  if (fromEnv) return [fromEnv];
  // A pyenv or venv python3 often comes first on PATH; the system one may be the one
  // with torch (Debian's python3-torch), so both are asked, in this order.
  return process.platform === 'win32' ? ['python'] : ['python3', '/usr/bin/python3'];
}

function fromPython(
  probe: LocateProbe,
  python: string,
): { libtorch: Libtorch } | { reason: string } {
  const out = probe.runPython(python, PYTHON_SCRIPT);
  if (out instanceof Error) return { reason: `no PyTorch (${out.message})` };
  let info: PythonTorch;
  try {
    info = JSON.parse(out.trim().split('\n').at(-1) ?? '') as PythonTorch;
  } catch {
    return { reason: `could not read what torch reported: ${out.slice(0, 200)}` };
  }
  const problem = checkLayout(probe, info.dir);
  if (problem != null) {
    const debianHint = info.dir.startsWith('/usr/lib/python3/')
      ? " (Debian's python3-torch: its headers come with libtorch-dev)"
      : '';
    return { reason: `PyTorch ${info.version} found, but ${problem}${debianHint}` };
  }
  return {
    libtorch: {
      source: 'pytorch',
      root: info.dir,
      includeDirs: includeDirsUnder(join(info.dir, 'include')),
      libDir: join(info.dir, 'lib'),
      version: info.version,
      cxx11Abi: info.abi,
      ...(info.cuda ? { cuda: info.cuda } : {}),
    },
  };
}

function multiarch(): string {
  return process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
}

function fromDebian(probe: LocateProbe): { libtorch: Libtorch } | { reason: string } {
  const include = '/usr/include';
  const libDir = `/usr/lib/${multiarch()}`;
  if (!probe.exists(join(include, TORCH_HEADER))) {
    return { reason: `no ${join(include, TORCH_HEADER)} (apt-get install libtorch-dev)` };
  }
  if (!probe.exists(join(libDir, 'libtorch.so'))) {
    return { reason: `headers found but no ${libDir}/libtorch.so (apt-get install libtorch-dev)` };
  }
  const version = probe.debianVersion('libtorch-dev')?.replace(/\+.*$/, '');
  return {
    libtorch: {
      source: 'debian',
      root: '/usr',
      includeDirs: includeDirsUnder(include),
      libDir,
      // Debian builds every C++ package with GCC's default, the new ABI.
      cxx11Abi: abiFromCmake(probe, libDir) ?? true,
      ...(version ? { version } : {}),
    },
  };
}

/** Looks for libtorch in the documented order; the result lists every step taken. */
export function locateLibtorch(
  env: NodeJS.ProcessEnv = process.env,
  probe: LocateProbe = systemProbe,
): LocateResult {
  const steps: LocateStep[] = [];
  const given = env.SCALENET_LIBTORCH?.trim();
  if (given) {
    const found = fromSetting(probe, given);
    if (typeof found === 'string') {
      steps.push({ source: 'setting', where: given, found: false, note: found });
      return { steps };
    }
    steps.push({ source: 'setting', where: given, found: true, note: 'taken' });
    return { libtorch: found, steps };
  }
  steps.push({
    source: 'setting',
    where: 'SCALENET_LIBTORCH',
    found: false,
    note: 'not set',
  });
  for (const python of pythonCandidates(env)) {
    const result = fromPython(probe, python);
    if ('libtorch' in result) {
      steps.push({ source: 'pytorch', where: python, found: true, note: 'taken' });
      return { libtorch: result.libtorch, steps };
    }
    steps.push({ source: 'pytorch', where: python, found: false, note: result.reason });
  }
  const debian = fromDebian(probe);
  if ('libtorch' in debian) {
    steps.push({ source: 'debian', where: '/usr', found: true, note: 'taken' });
    return { libtorch: debian.libtorch, steps };
  }
  steps.push({ source: 'debian', where: '/usr', found: false, note: debian.reason });
  return { steps };
}

/** One line per step, for logs and `scalenet info`. */
export function describeSteps(steps: LocateStep[]): string {
  return steps.map((s) => `${s.source} (${s.where}): ${s.note}`).join('; ');
}

/** "libtorch 1.13.1 (Debian libtorch-dev, /usr/lib/x86_64-linux-gnu)". */
export function describeLibtorch(libtorch: Libtorch): string {
  const from = { setting: 'SCALENET_LIBTORCH', pytorch: 'PyTorch', debian: 'Debian libtorch-dev' }[
    libtorch.source
  ];
  const version = libtorch.version ? ` ${libtorch.version}` : '';
  return `libtorch${version} (${from}, ${libtorch.libDir})`;
}
