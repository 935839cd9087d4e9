/**
 * The training kernels the wasm backend lacks or runs slowly, supplied by the project
 * (DESIGN.md: compute backends). Register them before `tf.setBackend('wasm')`.
 *
 * SCALENET_WASM_KERNELS chooses the optional replacements (the benchmark uses it to
 * measure each one, and a user can turn one off should it misbehave):
 *   unset or "all"   every replacement
 *   "baseline"       none: only the missing Conv2DBackpropFilter
 *   "-bnGrad,-dx"    all except the named ones (names: see OPTIONAL_KERNELS)
 */
import '@tensorflow/tfjs-backend-wasm';
import {
  getGradient,
  getKernel,
  registerGradient,
  registerKernel,
  unregisterGradient,
  unregisterKernel,
  type GradConfig,
  type KernelConfig,
} from '@tensorflow/tfjs-core';
import { makeBatchNormGradConfig } from './batchNormGrad';
import { conv2DBackpropFilterConfig } from './conv2dBackpropFilter';
import { makeConv2DBackpropInputConfig } from './conv2dBackpropInput';
import { makeReduceConfig } from './reduceLeading';

/** Marks our configs so that a second call (or a second copy of this module) is a no-op. */
const PROJECT_KERNEL = Symbol.for('scalenet.wasmTrainingKernel');
/** On a project config: the config it replaced, to restore when switched off. */
const REPLACED = Symbol.for('scalenet.wasmTrainingKernel.replaced');

type Marked<T> = T & { [PROJECT_KERNEL]?: true; [REPLACED]?: T };

function isProject<T extends object>(config: T | undefined): config is Marked<T> {
  return config != null && (config as Marked<T>)[PROJECT_KERNEL] === true;
}

function installKernel(
  kernelName: string,
  make: (builtin: KernelConfig | undefined) => KernelConfig | undefined,
): void {
  const existing = getKernel(kernelName, 'wasm');
  if (isProject(existing)) return;
  const config = make(existing);
  if (config == null) return;
  if (existing != null) {
    // registerKernel would overwrite too, but logs a warning on every start.
    unregisterKernel(kernelName, 'wasm');
  }
  const marked: Marked<KernelConfig> = {
    ...config,
    [PROJECT_KERNEL]: true,
    [REPLACED]: existing,
  };
  registerKernel(marked);
}

function restoreKernel(kernelName: string): void {
  const existing = getKernel(kernelName, 'wasm');
  if (!isProject(existing)) return;
  unregisterKernel(kernelName, 'wasm');
  const builtin = existing[REPLACED];
  if (builtin != null) registerKernel(builtin);
}

function installGradient(kernelName: string, make: (builtin: GradConfig) => GradConfig): void {
  const existing = getGradient(kernelName);
  if (isProject(existing) || existing == null) return;
  unregisterGradient(kernelName);
  const marked: Marked<GradConfig> = {
    ...make(existing),
    [PROJECT_KERNEL]: true,
    [REPLACED]: existing,
  };
  registerGradient(marked);
}

function restoreGradient(kernelName: string): void {
  const existing = getGradient(kernelName);
  if (!isProject(existing)) return;
  unregisterGradient(kernelName);
  const builtin = existing[REPLACED];
  if (builtin != null) registerGradient(builtin);
}

interface OptionalKernel {
  install(): void;
  restore(): void;
}

/** Replacements that are faster than tfjs's own; each can be switched off. */
export const OPTIONAL_KERNELS = {
  /** Conv2DBackpropInput as XNNPACK convolutions (the built-in is a plain C++ loop). */
  dx: {
    install: () =>
      // Wraps the built-in, which stays the fallback for shapes the fast path skips.
      installKernel('Conv2DBackpropInput', (builtin) =>
        builtin == null ? undefined : makeConv2DBackpropInputConfig(builtin),
      ),
    restore: () => restoreKernel('Conv2DBackpropInput'),
  },
  /** FusedBatchNorm's gradient with broadcasting instead of tile. */
  bnGrad: {
    install: () => installGradient('FusedBatchNorm', makeBatchNormGradConfig),
    restore: () => restoreGradient('FusedBatchNorm'),
  },
  /** Sum and Mean over leading axes (N, H, W) by average pooling, without a transpose. */
  reduce: {
    install: () => {
      for (const name of ['Sum', 'Mean']) {
        installKernel(name, (builtin) => (builtin == null ? undefined : makeReduceConfig(builtin)));
      }
    },
    restore: () => {
      restoreKernel('Sum');
      restoreKernel('Mean');
    },
  },
} satisfies Record<string, OptionalKernel>;

export type OptionalKernelName = keyof typeof OPTIONAL_KERNELS;

/** Which optional kernels SCALENET_WASM_KERNELS asks for; throws on an unknown name. */
export function selectedKernels(env: NodeJS.ProcessEnv = process.env): Set<OptionalKernelName> {
  const names = Object.keys(OPTIONAL_KERNELS) as OptionalKernelName[];
  const spec = env.SCALENET_WASM_KERNELS?.trim() ?? '';
  if (spec === '' || spec === 'all') return new Set(names);
  if (spec === 'baseline') return new Set();
  const chosen = new Set(names);
  for (const item of spec.split(',').map((s) => s.trim())) {
    const name = item.replace(/^-/, '');
    if (!(names as string[]).includes(name) || !item.startsWith('-')) {
      throw new Error(
        `SCALENET_WASM_KERNELS: '${item}' is not understood; use all, baseline or a list of -name (names: ${names.join(', ')})`,
      );
    }
    chosen.delete(name as OptionalKernelName);
  }
  return chosen;
}

/**
 * Registers `Conv2DBackpropFilter` (missing from tfjs-backend-wasm 4.22) and the optional
 * faster replacements that SCALENET_WASM_KERNELS selects (all by default), restoring
 * tfjs's own for the others. Idempotent. The registries are global (tfjs-core keeps them
 * in `globalThis._tfGlobals`), so this affects every tfjs-core copy in the process.
 */
export function registerWasmTrainingKernels(env: NodeJS.ProcessEnv = process.env): void {
  installKernel('Conv2DBackpropFilter', () => conv2DBackpropFilterConfig);
  const chosen = selectedKernels(env);
  for (const [name, kernel] of Object.entries(OPTIONAL_KERNELS)) {
    if (chosen.has(name as OptionalKernelName)) kernel.install();
    else kernel.restore();
  }
}
