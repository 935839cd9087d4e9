/**
 * Where the `torch` backend's native addon is, and what it was built against.
 *
 * The build (scripts/native/buildTorch.ts: `npm ci`, `npm run build:native`, or the
 * extension's "ScaleNet: Set Up Native Backend") writes `scalenet_torch.node` and, beside
 * it, `scalenet_torch.json`: the libtorch it was compiled and linked against. The sidecar
 * reads that manifest to name the libtorch version and path in its report, and to notice
 * an addon built against another libtorch than the one the user now names.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Libtorch } from './torchLocate';

export const ADDON_FILE = 'scalenet_torch.node';
export const MANIFEST_FILE = 'scalenet_torch.json';

export interface AddonManifest {
  libtorch: Libtorch;
  /** ISO time of the build. */
  builtAt: string;
  /** The Node that built it (N-API: any Node >= 20 and VS Code's runtime load it). */
  nodeVersion: string;
}

/**
 * The places the addon may be. SCALENET_TORCH_ADDON, when set, is the only one (the
 * extension sets it to the copy it built in its storage; a user or test that names a file
 * means that file). Else the package's build/Release/, seen from the bundle
 * (dist/sidecar.js → ../build) and from the sources run with tsx (sidecar/backend/ → ../../build).
 */
export function addonCandidates(env: NodeJS.ProcessEnv, here: string = __dirname): string[] {
  const fromEnv = env.SCALENET_TORCH_ADDON?.trim();
  if (fromEnv) return [fromEnv];
  return [
    join(here, '..', 'build', 'Release', ADDON_FILE),
    join(here, '..', '..', 'build', 'Release', ADDON_FILE),
  ];
}

/** The first candidate that exists, or undefined. */
export function findAddon(env: NodeJS.ProcessEnv, here: string = __dirname): string | undefined {
  return addonCandidates(env, here).find((path) => existsSync(path));
}

export function manifestPath(addonPath: string): string {
  return join(dirname(addonPath), MANIFEST_FILE);
}

/** The manifest beside an addon, or undefined when it is missing or unreadable. */
export function readManifest(addonPath: string): AddonManifest | undefined {
  try {
    const parsed = JSON.parse(readFileSync(manifestPath(addonPath), 'utf8')) as AddonManifest;
    return typeof parsed.libtorch?.libDir === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
