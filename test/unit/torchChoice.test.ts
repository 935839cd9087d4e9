/**
 * The chooser with the real torch addon (build/Release/scalenet_torch.node, built by npm ci
 * or npm run build:native): auto takes torch on this CPU machine, with the threads asked
 * for, and reports libtorch's version and folder. Skipped when the addon is not built,
 * unless SCALENET_REQUIRE_TORCH=1 (CI), where a missing addon is a failure.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend } from '../../sidecar/backend/chooseBackend';
import { readManifest } from '../../sidecar/backend/torchAddonFile';

const ADDON = join(__dirname, '..', '..', 'build', 'Release', 'scalenet_torch.node');
const skip =
  !existsSync(ADDON) && process.env.SCALENET_REQUIRE_TORCH !== '1'
    ? `no torch addon at ${ADDON} (npm run build:native)`
    : false;

void describe('chooseBackend with the built torch addon', { skip }, () => {
  void it('auto on this CPU machine: torch, 1 thread as asked, libtorch named, tensors computed', async () => {
    const report = await chooseBackend('auto', { SCALENET_TORCH_THREADS: '1' });
    assert.equal(report.name, 'torch', JSON.stringify(report.rejected));
    assert.equal(tf.getBackend(), 'torch');
    assert.equal(report.device?.device, 'cpu');
    assert.equal(report.device?.threads, 1);
    const manifest = readManifest(ADDON);
    const version = report.device?.library?.version ?? '';
    assert.match(version, /^\d+\.\d+/);
    // Built by the project's build script: the libtorch folder it linked; else the addon.
    assert.equal(report.device?.library?.path, manifest?.libtorch.libDir ?? ADDON);
    assert.equal(
      report.label,
      `libtorch ${version} (CPU, 1 thread; ${report.device?.library?.path})`,
    );
    assert.deepEqual(report.rejected[0], {
      backend: 'torch',
      reason: 'not on a GPU: libtorch found no CUDA or MPS device here',
    });
    const sum = tf.add(tf.tensor1d([1, 2, 3]), tf.tensor1d([0.5, 0.25, 0.125]));
    assert.deepEqual(Array.from(await sum.data()), [1.5, 2.25, 3.125]);
    sum.dispose();
  });
});
