/**
 * The native addon's interface (sidecar/backend/torch/native/addon.cpp), and its loader.
 * The .node file is loaded at run time with `createRequire`, never bundled by esbuild.
 */
import { createRequire } from 'node:module';

export type TorchDevice = 'cpu' | 'cuda' | 'mps';
export type TorchDtype = 'float32' | 'int32' | 'bool';

/** What the addon reports about the libtorch it was built against and the device in use. */
export interface TorchNativeInfo {
  /** TORCH_VERSION of the headers it was built with, e.g. "1.13.0". */
  libtorchVersion: string;
  device: TorchDevice;
  /** at::get_num_threads() after init. */
  threads: number;
  cudaAvailable: boolean;
  cudaDeviceCount: number;
  mpsAvailable: boolean;
  mkldnnAvailable: boolean;
  cxx11Abi: boolean;
}

/** One output of a native kernel: its handle, shape and dtype. */
export type NativeOutput = [handle: number, shape: number[], dtype: TorchDtype];

export interface TorchAddon {
  init(options: { device: 'auto' | TorchDevice; threads: number }): TorchNativeInfo;
  info(): TorchNativeInfo;
  /** Copies `values` into a new tensor of `shape`; returns its handle. */
  upload(
    values: Float32Array | Int32Array | Uint8Array,
    shape: number[],
    dtype: TorchDtype,
  ): number;
  /** A fresh copy of the tensor's data. */
  download(handle: number): Float32Array | Int32Array | Uint8Array;
  dispose(handle: number): void;
  /** How many tensors the addon holds (for leak tests). */
  count(): number;
  /** Names of the kernels implemented natively. */
  kernels(): string[];
  /** Runs one kernel on inputs viewed to `shapes`; outputs are new handles. */
  run(kernel: string, handles: number[], shapes: number[][], attrs: object): NativeOutput[];
}

/** Loads the addon; a failure becomes a sentence that names the likely cause. */
export function loadTorchAddon(
  addonPath: string,
): { ok: true; addon: TorchAddon } | { ok: false; reason: string } {
  try {
    const load = createRequire(__filename);
    return { ok: true, addon: load(addonPath) as TorchAddon };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: explainLoadFailure(addonPath, message) };
  }
}

export function explainLoadFailure(addonPath: string, message: string): string {
  const firstLine = message.split('\n')[0] ?? message;
  if (/undefined symbol/.test(message)) {
    return `${addonPath} did not load: ${firstLine} (ABI mismatch? rebuild the addon against the libtorch in use, with its _GLIBCXX_USE_CXX11_ABI)`;
  }
  if (/cannot open shared object file|Library not loaded|image not found/.test(message)) {
    return `${addonPath} did not load: ${firstLine} (the libtorch it was built against has moved or is gone; rebuild it)`;
  }
  if (/Cannot find module|ENOENT/.test(message)) {
    return `${addonPath} not found: build it first (the torch backend's addon is built by node-gyp against libtorch)`;
  }
  if (/NODE_MODULE_VERSION|was compiled against a different Node/.test(message)) {
    return `${addonPath} did not load: ${firstLine} (built for another Node ABI; rebuild it)`;
  }
  return `${addonPath} did not load: ${firstLine}`;
}
