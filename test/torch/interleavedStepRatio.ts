/**
 * The torch backend against PyTorch eager on the same libtorch, one training step of each
 * in turn (ResNet-18 CIFAR stem, SGD momentum, batch 128, 2 threads each), so that both
 * see the same load on a shared machine. Prints each side's steps, min and median img/s.
 *
 *   SCALENET_TORCH_ADDON=build/Release/scalenet_torch.node \
 *     node --import tsx test/torch/interleavedStepRatio.ts [size=16] [rounds=6]
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import * as tf from '@tensorflow/tfjs';
import { registerTorchBackend } from '../../sidecar/backend/torch';
import { findAddon } from '../../sidecar/backend/torchAddonFile';
import { buildStandardResNet } from '../../sidecar/models/resnetPresets';

const BATCH = 128;

function stats(seconds: number[]): { min: number; median: number } {
  const sorted = [...seconds].sort((a, b) => a - b);
  return { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)] };
}

async function main(): Promise<void> {
  const size = Number(process.argv[2] ?? 16);
  const rounds = Number(process.argv[3] ?? 6);
  const addon = findAddon(process.env);
  if (addon == null) throw new Error('the torch addon is not built');
  const started = registerTorchBackend(addon, { threads: 2, device: 'cpu' });
  if (!started.ok) throw new Error(started.reason);
  await tf.setBackend('torch');
  const python = spawn('/usr/bin/python3', [join(__dirname, 'pytorch_step.py'), String(size)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: python.stdout })[Symbol.asyncIterator]();
  const pytorchStep = async (): Promise<number> => {
    python.stdin.write('\n');
    return Number((await lines.next()).value);
  };
  const model = buildStandardResNet(18, { inputChannels: 3, classes: 4, seed: 1 });
  const optimizer = tf.train.momentum(0.05, 0.9);
  const x = tf.randomNormal([BATCH, size, size, 3]);
  const y = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: BATCH }, (_, i) => i % 4),
      'int32',
    ),
    4,
  );
  const torchStep = (): number => {
    const start = performance.now();
    const loss = optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor),
      true,
    );
    loss?.dataSync();
    loss?.dispose();
    return (performance.now() - start) / 1000;
  };
  await pytorchStep();
  torchStep();
  const pytorch: number[] = [];
  const torch: number[] = [];
  for (let i = 0; i < rounds; i++) {
    pytorch.push(await pytorchStep());
    torch.push(torchStep());
  }
  python.stdin.end();
  const p = stats(pytorch);
  const t = stats(torch);
  const rate = (s: number) => (BATCH / s).toFixed(1);
  console.log(JSON.stringify({ size, batch: BATCH, threads: 2, pytorch, torch }));
  console.log(
    `PyTorch eager ${rate(p.min)} img/s (min step), ${rate(p.median)} (median); ` +
      `torch backend ${rate(t.min)} (min), ${rate(t.median)} (median); ` +
      `ratio ${(p.min / t.min).toFixed(2)}x (min), ${(p.median / t.median).toFixed(2)}x (median)`,
  );
}

void main();
