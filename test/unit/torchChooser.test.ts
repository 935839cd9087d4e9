/**
 * The chooser's torch branch (sidecar/backend/chooseBackend.ts + torchStart.ts): the auto
 * order torch-on-GPU → tfjs-node-gpu-on-GPU → torch-on-CPU → … and every rejection's
 * reason. The addon is a real file with its manifest; what registering it does is a stand-in
 * (a `torch` backend that is tfjs's cpu backend, reporting a chosen device), so that the GPU
 * branch can be checked on a machine without a GPU. The real addon is in torchReal.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend, type ChooserDeps } from '../../sidecar/backend/chooseBackend';
import type { AddonManifest } from '../../sidecar/backend/torchAddonFile';
import {
  requestedTorchDevice,
  requestedTorchThreads,
  type TorchDeviceRequest,
} from '../../sidecar/backend/torchStart';

const dir = mkdtempSync(join(tmpdir(), 'scalenet-torch-chooser-'));
const addon = join(dir, 'scalenet_torch.node');
writeFileSync(addon, 'not loaded by these tests');
const manifest: AddonManifest = {
  libtorch: {
    source: 'debian',
    root: '/usr',
    includeDirs: ['/usr/include'],
    libDir: '/usr/lib/x86_64-linux-gnu',
    version: '1.13.1',
    cxx11Abi: true,
  },
  builtAt: '2026-12-02T00:00:00Z',
  nodeVersion: 'v20.20.2',
};
writeFileSync(join(dir, 'scalenet_torch.json'), JSON.stringify(manifest));

interface Call {
  addonPath: string;
  device: TorchDeviceRequest;
  threads: number;
}

/** A registration that reports `device` and registers tfjs's cpu backend as `torch`. */
function fakeTorch(device: string, calls: Call[] = []): ChooserDeps {
  return {
    registerTorch: (addonPath, options) => {
      calls.push({ addonPath, ...options });
      if (tf.findBackendFactory('torch') == null) {
        tf.registerBackend('torch', () => new MathBackendCPU(), 0);
      }
      return { libtorchVersion: '1.13.0', device, threads: options.threads };
    },
  };
}

const withAddon = { SCALENET_TORCH_ADDON: addon };

void describe('chooseBackend with torch', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  void it('auto on CPU: torch wins over wasm, names libtorch, its path and the threads', async () => {
    const calls: Call[] = [];
    const report = await chooseBackend('auto', withAddon, fakeTorch('cpu', calls));
    assert.equal(report.name, 'torch');
    assert.equal(tf.getBackend(), 'torch');
    assert.equal(report.forced, false);
    const threads = availableParallelism();
    assert.equal(
      report.label,
      `libtorch 1.13.1 (CPU, ${threads} threads; /usr/lib/x86_64-linux-gnu)`,
    );
    assert.deepEqual(report.device, {
      device: 'cpu',
      threads,
      library: { name: 'libtorch', version: '1.13.1', path: '/usr/lib/x86_64-linux-gnu' },
    });
    assert.deepEqual(calls, [{ addonPath: addon, device: 'auto', threads }]);
    assert.deepEqual(
      report.rejected.map((r) => [r.backend, r.reason]),
      [
        ['torch', 'not on a GPU: libtorch found no CUDA or MPS device here'],
        ['tensorflow', report.rejected[1].reason],
      ],
    );
    assert.match(report.rejected[1].reason, /not installed/);
  });

  void it('auto with a GPU: torch on CUDA is first and nothing else is tried', async () => {
    const report = await chooseBackend('auto', withAddon, fakeTorch('cuda'));
    assert.equal(report.name, 'torch');
    assert.deepEqual(report.rejected, []);
    assert.match(report.label, /^libtorch 1\.13\.1 \(CUDA; /);
    assert.equal(report.device?.device, 'cuda');
  });

  void it('device and threads come from SCALENET_TORCH_DEVICE / SCALENET_TORCH_THREADS', async () => {
    const calls: Call[] = [];
    const report = await chooseBackend(
      'auto',
      { ...withAddon, SCALENET_TORCH_DEVICE: 'cpu', SCALENET_TORCH_THREADS: '3' },
      fakeTorch('cpu', calls),
    );
    assert.deepEqual(calls[0], { addonPath: addon, device: 'cpu', threads: 3 });
    assert.equal(report.device?.threads, 3);
    assert.equal(report.rejected[0].reason, 'not on a GPU: SCALENET_TORCH_DEVICE=cpu');
    assert.throws(() => requestedTorchDevice({ SCALENET_TORCH_DEVICE: 'tpu' }), /tpu/);
    assert.throws(
      () => requestedTorchThreads({ SCALENET_TORCH_THREADS: 'x' }),
      /SCALENET_TORCH_THREADS=x/,
    );
    assert.equal(requestedTorchThreads({ SCALENET_TORCH_THREADS: '0' }), availableParallelism());
  });

  void it('without the addon: rejected with how to build it and the libtorch found, then wasm', async () => {
    const report = await chooseBackend(
      'auto',
      { SCALENET_TORCH_ADDON: join(dir, 'missing.node') },
      fakeTorch('cpu'),
    );
    assert.equal(report.name, 'wasm');
    const torch = report.rejected.find((r) => r.backend === 'torch');
    assert.ok(torch);
    assert.match(torch.reason, /missing\.node does not exist; addon not built/);
    assert.match(torch.reason, /npm run build:native/);
    // This machine has libtorch (Debian's libtorch-dev, CI installs it): the reason names it.
    assert.match(torch.reason, /libtorch .* found|no libtorch found/);
  });

  void it('an addon built against another libtorch than SCALENET_LIBTORCH names is not used', async () => {
    const report = await chooseBackend(
      'auto',
      { ...withAddon, SCALENET_LIBTORCH: '/opt/libtorch' },
      fakeTorch('cpu'),
    );
    assert.notEqual(report.name, 'torch');
    assert.match(
      report.rejected[0].reason,
      /was built against \/usr, but SCALENET_LIBTORCH names \/opt\/libtorch: rebuild/,
    );
  });

  void it('forced torch: SCALENET_BACKEND=torch or a preference; a failure throws its reason', async () => {
    const report = await chooseBackend(
      'auto',
      { ...withAddon, SCALENET_BACKEND: 'torch' },
      fakeTorch('cpu'),
    );
    assert.equal(report.name, 'torch');
    assert.equal(report.forced, true);
    assert.deepEqual(report.rejected, []);
    const failing: ChooserDeps = {
      registerTorch: () => {
        throw new Error(
          'scalenet_torch.node did not load: undefined symbol: _ZN3c10 (ABI mismatch?)',
        );
      },
    };
    await assert.rejects(chooseBackend('torch', withAddon, failing), (error: Error) => {
      assert.match(
        error.message,
        /'torch' compute backend was asked for but cannot be used: .*ABI mismatch/,
      );
      return true;
    });
  });
});
