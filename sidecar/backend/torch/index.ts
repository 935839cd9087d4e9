/**
 * The `torch` compute backend: tfjs kernels that run in libtorch (ATen) through the
 * project's native addon (build/Release/scalenet_torch.node, built by binding.gyp).
 *
 * Contract for the backend chooser and `scalenet info` (agreed with the integration side):
 *
 *   registerTorchBackend(addonPath, { device?: 'auto'|'cpu'|'cuda'|'mps', threads?: number })
 *     → { ok: true, info: TorchInfo } | { ok: false, reason: string }
 *
 * It loads the addon (a load failure is a reason such as "undefined symbol … (ABI
 * mismatch? …)"), initialises its device (auto: CUDA when the libtorch has it and a GPU
 * is visible, then MPS, else CPU) and threads (0 or absent: all available cores), and
 * registers the tfjs backend `torch` with its kernels. It does not call setBackend: the
 * chooser does `await tf.setBackend('torch')`. Calling it again returns the first result.
 *
 *   torchNativeTensorCount() → number | undefined   tensors the addon holds (leak tests)
 *   TORCH_BACKEND_NAME = 'torch'
 */
import {
  findBackendFactory,
  getKernelsForBackend,
  registerBackend,
  removeBackend,
} from '@tensorflow/tfjs-core';
import { type TorchAddon, type TorchDevice, type TorchNativeInfo, loadTorchAddon } from './addon';
import { TorchBackend } from './backend';
import { dropPending } from './fusedMoments';
import { installTorchGradients } from './gradients';
import { registerTorchKernels } from './kernels';

export type { TorchDevice, TorchNativeInfo } from './addon';
export { TorchBackend } from './backend';

export const TORCH_BACKEND_NAME = 'torch';

export interface TorchOptions {
  device?: 'auto' | TorchDevice;
  /** at::set_num_threads; 0 or absent: every available core. */
  threads?: number;
}

export interface TorchInfo extends TorchNativeInfo {
  addonPath: string;
  /** How many tfjs kernels the backend registers. */
  kernelCount: number;
}

export type TorchRegistration = { ok: true; info: TorchInfo } | { ok: false; reason: string };

let registered: { result: TorchRegistration; addon?: TorchAddon } | undefined;

export function registerTorchBackend(
  addonPath: string,
  options: TorchOptions = {},
): TorchRegistration {
  if (registered != null) return registered.result;
  const loaded = loadTorchAddon(addonPath);
  if (!loaded.ok) {
    registered = { result: loaded };
    return loaded;
  }
  const addon = loaded.addon;
  let native: TorchNativeInfo;
  try {
    native = addon.init({ device: options.device ?? 'auto', threads: options.threads ?? 0 });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    registered = { result: { ok: false, reason } };
    return registered.result;
  }
  // One backend instance for the process: tensors live in the addon's single store.
  const instance = new TorchBackend(addon);
  // A variance the fused moments kept for an x nobody took goes with that x.
  instance.onDisposeData((dataId) => dropPending(instance, dataId));
  if (findBackendFactory(TORCH_BACKEND_NAME) != null) removeBackend(TORCH_BACKEND_NAME);
  registerBackend(TORCH_BACKEND_NAME, () => instance, 0);
  registerTorchKernels(TORCH_BACKEND_NAME, addon.kernels());
  installTorchGradients(TORCH_BACKEND_NAME);
  const info: TorchInfo = {
    ...native,
    addonPath,
    kernelCount: getKernelsForBackend(TORCH_BACKEND_NAME).length,
  };
  registered = { result: { ok: true, info }, addon };
  return registered.result;
}

export function torchNativeTensorCount(): number | undefined {
  return registered?.addon?.count();
}
