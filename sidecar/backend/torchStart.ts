/**
 * Starting the `torch` backend for the chooser: find the addon, check it was built against
 * the libtorch the user names, register it with tfjs (sidecar/backend/torch, whose
 * `registerTorchBackend` loads the addon and calls its `init`), and say what it runs on.
 * When the addon is missing the reason says whether libtorch is there to build it against,
 * so the user knows whether `npm run build:native` will help.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { BackendDevice } from '../protocol';
import { findAddon, readManifest } from './torchAddonFile';
import { describeLibtorch, describeSteps, locateLibtorch, type LocateResult } from './torchLocate';

export type TorchDeviceRequest = 'auto' | 'cpu' | 'cuda' | 'mps';

/** What the backend module's registration reports (TorchNativeInfo, in part). */
export interface TorchStarted {
  libtorchVersion: string;
  device: string;
  threads: number;
}

export type RegisterTorch = (
  addonPath: string,
  options: { device: TorchDeviceRequest; threads: number },
) => TorchStarted | Promise<TorchStarted>;

export type TorchAttempt =
  { ok: true; label: string; gpu: boolean; device: BackendDevice } | { ok: false; reason: string };

export const BUILD_HINT = 'npm run build:native, or the command ScaleNet: Set Up Native Backend';

const DEVICES: readonly TorchDeviceRequest[] = ['auto', 'cpu', 'cuda', 'mps'];

/** SCALENET_TORCH_DEVICE (setting scalenet.torchDevice): auto, cpu, cuda or mps. */
export function requestedTorchDevice(env: NodeJS.ProcessEnv): TorchDeviceRequest {
  const raw = env.SCALENET_TORCH_DEVICE?.trim().toLowerCase() ?? '';
  if (raw === '') return 'auto';
  if (!(DEVICES as readonly string[]).includes(raw)) {
    throw new Error(`SCALENET_TORCH_DEVICE=${raw} is not one of ${DEVICES.join(', ')}`);
  }
  return raw as TorchDeviceRequest;
}

/**
 * SCALENET_TORCH_THREADS (setting scalenet.torchThreads): 0 or unset = every core this
 * process may use (os.availableParallelism, which honours CPU affinity), as PyTorch does.
 */
export function requestedTorchThreads(env: NodeJS.ProcessEnv): number {
  const raw = env.SCALENET_TORCH_THREADS?.trim() ?? '';
  if (raw === '' || raw === '0') return availableParallelism();
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1024) {
    throw new Error(`SCALENET_TORCH_THREADS=${raw} is not a thread count (0 = all cores, 1-1024)`);
  }
  return n;
}

function notBuiltReason(located: LocateResult): string {
  if (located.libtorch) {
    return `addon not built (${BUILD_HINT}; ${describeLibtorch(located.libtorch)} found)`;
  }
  return `addon not built, and no libtorch found: ${describeSteps(located.steps)}`;
}

/** Starts the torch backend; never throws (a failure is a reason). */
export async function startTorch(
  env: NodeJS.ProcessEnv,
  register: RegisterTorch,
  locate: (env: NodeJS.ProcessEnv) => LocateResult = locateLibtorch,
): Promise<TorchAttempt> {
  const addon = findAddon(env);
  if (addon == null) {
    const named = env.SCALENET_TORCH_ADDON?.trim();
    const missing = named ? `SCALENET_TORCH_ADDON=${named} does not exist; ` : '';
    return { ok: false, reason: `${missing}${notBuiltReason(locate(env))}` };
  }
  const manifest = readManifest(addon);
  const named = env.SCALENET_LIBTORCH?.trim();
  if (named && manifest && resolve(named) !== resolve(manifest.libtorch.root)) {
    return {
      ok: false,
      reason: `${addon} was built against ${manifest.libtorch.root}, but SCALENET_LIBTORCH names ${named}: rebuild (${BUILD_HINT})`,
    };
  }
  let started: TorchStarted;
  try {
    started = await register(addon, {
      device: requestedTorchDevice(env),
      threads: requestedTorchThreads(env),
    });
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  const version = manifest?.libtorch.version ?? started.libtorchVersion;
  const libraryPath = manifest?.libtorch.libDir ?? addon;
  const gpu = started.device !== 'cpu';
  const where = gpu
    ? started.device.toUpperCase()
    : `CPU, ${started.threads} thread${started.threads === 1 ? '' : 's'}`;
  return {
    ok: true,
    gpu,
    label: `libtorch ${version} (${where}; ${libraryPath})`,
    device: {
      device: started.device,
      threads: started.threads,
      library: { name: 'libtorch', version, path: libraryPath },
    },
  };
}
