/**
 * Starts the `torch` backend for a test. Where the addon is not built the tests that need
 * it are skipped with the reason, unless SCALENET_REQUIRE_TORCH=1 (CI, which installs
 * libtorch and builds the addon): then a missing or broken addon is a failure.
 */
import { findAddon } from '../../sidecar/backend/torchAddonFile';
import { registerTorchBackend, type TorchInfo } from '../../sidecar/backend/torch';

export type TorchForTest = { ok: true; info: TorchInfo } | { ok: false; reason: string };

export function startTorchForTest(threads = 2): TorchForTest {
  const required = process.env.SCALENET_REQUIRE_TORCH === '1';
  const addon = findAddon(process.env);
  const result: TorchForTest =
    addon == null
      ? { ok: false, reason: 'the torch addon is not built (npm run build:native)' }
      : registerTorchBackend(addon, { device: 'cpu', threads });
  if (!result.ok && required) {
    throw new Error(
      `SCALENET_REQUIRE_TORCH=1 but the torch backend did not start: ${result.reason}`,
    );
  }
  return result;
}

/** For node:test's `skip` option: false when torch runs, else the reason. */
export function torchSkipReason(started: TorchForTest): false | string {
  return started.ok ? false : started.reason;
}
