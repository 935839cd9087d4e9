/**
 * First module of the tfjs-core op-suite bundle (see tfjs-core-suite.mjs): registers the
 * torch backend and makes it the only test environment, before any test file runs its
 * describeWithFlags. Imported from tfjs-core's ESM build so the tests and the backend share
 * one engine.
 */
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { setTestEnvs, setupTestFilters } from '@tensorflow/tfjs-core/dist/jasmine_util';
import { registerTorchBackend } from '../../sidecar/backend/torch';
import { findAddon } from '../../sidecar/backend/torchAddonFile';
import { TEST_FILTERS } from './suiteFilters';

const addon = findAddon(process.env);
if (addon == null) throw new Error('the torch addon is not built: npm run build:native first');
const started = registerTorchBackend(addon, { device: 'cpu', threads: 2 });
if (!started.ok) throw new Error(`the torch backend did not start: ${started.reason}`);

setTestEnvs([{ name: 'torch', backendName: 'torch', flags: {}, isDataSync: true }]);
setupTestFilters(TEST_FILTERS, () => false);
