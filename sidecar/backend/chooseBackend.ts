/**
 * Chooses the tfjs compute backend (DESIGN.md: compute backends), the fastest that starts:
 * `torch` (libtorch) on a GPU → tfjs-node-gpu (`tensorflow`) on a GPU → `torch` on CPU →
 * tfjs-node-gpu on CPU → WebAssembly with the project's training kernels → pure JavaScript
 * `cpu`. The report says what is in use and why each better one was not used, so that the
 * extension can show it.
 */
// A named import, not a bare one: the package's "sideEffects" list omits its node entry,
// so esbuild would drop `import '@tensorflow/tfjs-backend-cpu'` and with it the backend.
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { backend, findBackendFactory, setBackend } from '@tensorflow/tfjs-core';
import type {
  BackendDevice,
  BackendName,
  BackendPreference,
  BackendReport,
  RejectedBackend,
} from '../protocol';
import { loadTfjsNodeGpu } from './tfjsNodeGpu';
import { registerTorchBackend } from './torch';
import { startTorch, type RegisterTorch } from './torchStart';
import { configureWasmPaths, describeWasm } from './wasmSetup';
import { prepareWasmThreads, requestedWasmThreads, resetWasmThreads } from './wasmThreads';
import { registerWasmTrainingKernels } from './wasmKernels';

const PREFERENCES: readonly BackendPreference[] = ['auto', 'torch', 'tensorflow', 'wasm', 'cpu'];

export const CPU_LABEL = 'pure JavaScript (very slow: fallback only)';

type Attempt =
  | { ok: true; label: string; gpu?: boolean; device?: BackendDevice }
  | { ok: false; reason: string };

/** What the chooser needs from outside: injectable so that tests can fake a torch start. */
export interface ChooserDeps {
  registerTorch: RegisterTorch;
}

const DEFAULT_DEPS: ChooserDeps = {
  registerTorch: (addonPath, options) => {
    const registration = registerTorchBackend(addonPath, options);
    if (!registration.ok) throw new Error(registration.reason);
    return registration.info;
  },
};

/** An explicit preference wins; else SCALENET_BACKEND; else `auto`. */
export function resolvePreference(
  preference: BackendPreference,
  env: NodeJS.ProcessEnv = process.env,
): BackendPreference {
  if (preference !== 'auto') {
    return preference;
  }
  const fromEnv = env.SCALENET_BACKEND?.trim();
  if (fromEnv == null || fromEnv === '') {
    return 'auto';
  }
  if (!(PREFERENCES as readonly string[]).includes(fromEnv)) {
    throw new Error(
      `SCALENET_BACKEND=${fromEnv} is not a backend; use one of ${PREFERENCES.join(', ')}`,
    );
  }
  return fromEnv as BackendPreference;
}

async function activate(name: BackendName): Promise<boolean> {
  try {
    return await setBackend(name);
  } catch {
    return false;
  }
}

async function tryTensorflow(env: NodeJS.ProcessEnv): Promise<Attempt> {
  const loaded = loadTfjsNodeGpu(env);
  if (!loaded.ok) {
    return loaded;
  }
  if (findBackendFactory('tensorflow') == null || !(await activate('tensorflow'))) {
    return {
      ok: false,
      reason: `loaded from ${loaded.from} but its 'tensorflow' backend did not start (see the log)`,
    };
  }
  // NodeJSKernelBackend says whether libtensorflow found a CUDA device.
  const gpu = (backend() as { isUsingGpuDevice?: unknown }).isUsingGpuDevice === true;
  return {
    ok: true,
    gpu,
    label: gpu ? 'tfjs-node-gpu (CUDA)' : 'tfjs-node-gpu (libtensorflow on CPU: no CUDA GPU found)',
  };
}

async function tryTorch(env: NodeJS.ProcessEnv, deps: ChooserDeps): Promise<Attempt> {
  const started = await startTorch(env, deps.registerTorch);
  if (!started.ok) return started;
  if (!(await activate('torch'))) {
    return { ok: false, reason: `${started.label} registered but did not start (see the log)` };
  }
  return started;
}

async function tryWasm(env: NodeJS.ProcessEnv): Promise<Attempt> {
  const pathProblem = configureWasmPaths();
  if (pathProblem != null) {
    return { ok: false, reason: pathProblem };
  }
  // Before setBackend: tfjs runs each registered kernel's setupFunc when it activates wasm.
  try {
    registerWasmTrainingKernels(env);
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  let threadNote: string | undefined;
  try {
    threadNote = await startThreadedWasm(env);
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  if (!(await activate('wasm'))) {
    return { ok: false, reason: 'the WebAssembly module failed to initialise (see the log)' };
  }
  const label = await describeWasm();
  return { ok: true, label: threadNote ? `${label}; ${threadNote}` : label };
}

/** How long a threaded start may take before the chooser gives up on threads. */
const THREADED_START_MS = 15_000;

function wasmInitialised(): boolean {
  try {
    getThreadsCount(); // throws until the backend has initialised
    return true;
  } catch {
    return false;
  }
}

/**
 * When SCALENET_WASM_THREADS asks for threads and wasm has not started yet, starts it
 * threaded (sidecar/backend/wasmThreads.ts). On failure or a start that hangs, leaves it
 * to the caller's plain start and returns why threads are off.
 */
async function startThreadedWasm(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const threads = requestedWasmThreads(env);
  if (threads <= 1 || wasmInitialised()) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), THREADED_START_MS);
  });
  const restore = prepareWasmThreads(threads);
  try {
    if (await Promise.race([activate('wasm'), timeout])) return undefined;
  } finally {
    clearTimeout(timer);
    restore();
  }
  resetWasmThreads();
  return `${threads} threads (SCALENET_WASM_THREADS) did not start, so one thread`;
}

async function tryCpu(): Promise<Attempt> {
  return (await activate('cpu'))
    ? { ok: true, label: CPU_LABEL }
    : {
        ok: false,
        reason: `the pure JavaScript backend (tfjs-backend-cpu ${version_cpu}) failed to start`,
      };
}

function tryBackend(
  name: BackendName,
  env: NodeJS.ProcessEnv,
  deps: ChooserDeps,
): Promise<Attempt> {
  switch (name) {
    case 'torch':
      return tryTorch(env, deps);
    case 'tensorflow':
      return tryTensorflow(env);
    case 'wasm':
      return tryWasm(env);
    case 'cpu':
      return tryCpu();
  }
}

/**
 * Activates a backend and reports it. `preference` other than `auto` wins over the
 * SCALENET_BACKEND environment variable, which wins over `auto`. A forced backend that
 * cannot start throws, with the reason, instead of silently training 100x slower.
 */
export async function chooseBackend(
  preference: BackendPreference,
  env: NodeJS.ProcessEnv = process.env,
  deps: ChooserDeps = DEFAULT_DEPS,
): Promise<BackendReport> {
  const resolved = resolvePreference(preference, env);
  if (resolved !== 'auto') {
    const attempt = await tryBackend(resolved, env, deps);
    if (!attempt.ok) {
      throw new Error(
        `The '${resolved}' compute backend was asked for but cannot be used: ${attempt.reason}`,
      );
    }
    return report(resolved, attempt, [], true);
  }
  return chooseAuto(env, deps);
}

function report(
  name: BackendName,
  attempt: Attempt & { ok: true },
  rejected: RejectedBackend[],
  forced: boolean,
): BackendReport {
  return {
    name,
    label: attempt.label,
    rejected,
    forced,
    ...(attempt.device ? { device: attempt.device } : {}),
  };
}

/**
 * The auto order. torch and tfjs-node-gpu are each tried once; whichever found a GPU
 * wins, else torch on CPU (libtorch's oneDNN kernels beat libtensorflow's and wasm's),
 * else tfjs-node-gpu on CPU, else wasm, else cpu.
 */
async function chooseAuto(env: NodeJS.ProcessEnv, deps: ChooserDeps): Promise<BackendReport> {
  const rejected: RejectedBackend[] = [];
  const torch = await tryBackend('torch', env, deps);
  if (torch.ok && torch.gpu === true) return report('torch', torch, rejected, false);
  rejected.push({
    backend: 'torch',
    reason: torch.ok
      ? env.SCALENET_TORCH_DEVICE?.trim().toLowerCase() === 'cpu'
        ? 'not on a GPU: SCALENET_TORCH_DEVICE=cpu'
        : 'not on a GPU: libtorch found no CUDA or MPS device here'
      : torch.reason,
  });
  const tensorflow = await tryBackend('tensorflow', env, deps);
  if (tensorflow.ok && tensorflow.gpu === true) {
    return report('tensorflow', tensorflow, rejected, false);
  }
  if (torch.ok) {
    if (await activate('torch')) {
      rejected.push({
        backend: 'tensorflow',
        reason: tensorflow.ok ? 'no CUDA GPU, and torch is faster on CPU' : tensorflow.reason,
      });
      return report('torch', torch, rejected, false);
    }
    rejected.push({ backend: 'torch', reason: 'did not start again after tfjs-node-gpu loaded' });
  }
  if (tensorflow.ok && (await activate('tensorflow'))) {
    return report('tensorflow', tensorflow, rejected, false);
  }
  if (!tensorflow.ok) rejected.push({ backend: 'tensorflow', reason: tensorflow.reason });
  for (const name of ['wasm', 'cpu'] as const) {
    const attempt = await tryBackend(name, env, deps);
    if (attempt.ok) return report(name, attempt, rejected, false);
    rejected.push({ backend: name, reason: attempt.reason });
  }
  const reasons = rejected.map((r) => `${r.backend}: ${r.reason}`).join('; ');
  throw new Error(`No compute backend could start (${reasons})`);
}
