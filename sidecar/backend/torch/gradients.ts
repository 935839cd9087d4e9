/**
 * Gradients the torch backend computes natively. tfjs-core's generic gradients build a
 * chain of full-size elementwise kernels (Relu: Step + Cast + Multiply; Mean: ones +
 * Multiply + RealDiv; FusedBatchNorm: Tile and about nine full-size intermediates); on
 * ResNet-18 those were ~60% of a training step on torch. Here each is one native kernel.
 *
 * Gradients are global in tfjs, not per backend: each replacement wraps the gradient
 * registered before it (tfjs-core's, or another backend's wrapper) and delegates to it
 * whenever torch is not the active backend, so the cpu and wasm backends are unchanged.
 */
import {
  engine,
  getBackend,
  getGradient,
  registerGradient,
  reshape,
  unregisterGradient,
  util,
} from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import type { TorchBackend } from './backend';
import { areBatchMoments, centredSource } from './fusedMoments';

type GradFunc = GradConfig['gradFunc'];
type Grads = ReturnType<GradFunc>;

const WRAPPED = Symbol('scalenet.torchGradient');

function run(kernel: string, inputs: Record<string, Tensor>, attrs: NamedAttrMap = {}): Tensor[] {
  const out = engine().runKernel(kernel, inputs, attrs);
  return Array.isArray(out) ? out : [out];
}

function one(kernel: string, inputs: Record<string, Tensor>, attrs: NamedAttrMap = {}): Tensor {
  return run(kernel, inputs, attrs)[0];
}

/** The torch version of one gradient, or undefined to use the wrapped one. */
type TorchGrad = (dy: Tensor, saved: Tensor[], attrs: NamedAttrMap) => Grads | undefined;

const TORCH_GRADIENTS: Record<string, TorchGrad> = {
  Relu: (dy, [x]) =>
    x.dtype === 'float32' ? { x: () => one('TorchReluGrad', { dy, x: x }) } : undefined,

  Square: (dy, [x]) => {
    if (x.dtype !== 'float32') return undefined;
    const centred = centredSource(x);
    if (centred == null) return { x: () => one('TorchSquareGrad', { dy, x: x }) };
    // x - mean was never made (fusedMoments.ts): the gradient reads its x and mean.
    return {
      x: () => {
        const torch = engine().backend as TorchBackend;
        const out = torch.runNative('TorchCentredSquareGrad', [dy, centred.x, centred.mean]);
        return engine().makeTensorFromTensorInfo(out[0]);
      },
    };
  },

  Mean: (dy, [x], attrs) => {
    if (x.dtype !== 'float32') return undefined;
    const axes = util.parseAxisParam((attrs as { axis: number | number[] }).axis, x.shape);
    const keepShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const count = axes.reduce((n, a) => n * x.shape[a], 1);
    return { x: () => one('TorchMeanGrad', { dy }, { shape: x.shape, keepShape, count }) };
  },

  FusedBatchNorm: (dy, saved, attrs) => {
    const [x, mean, variance, scale] = saved;
    const channels = x.shape[x.shape.length - 1];
    const perChannel = (t: Tensor | undefined) => t == null || t.size === channels;
    if (x.dtype !== 'float32' || !perChannel(mean) || !perChannel(variance) || !perChannel(scale)) {
      return undefined;
    }
    const inputs: Record<string, Tensor> = { dy, x, mean, variance };
    if (scale != null) inputs.scale = scale;
    const epsAttrs = {
      varianceEpsilon: (attrs as { varianceEpsilon: number }).varianceEpsilon,
      hasScale: scale != null,
    };
    if (areBatchMoments(x, mean, variance)) {
      // Training: dx through the batch statistics in one ATen backward; the moments'
      // own backward then gets zeros (broadcast views, which the kernels short-cut).
      const [dx, doffset, dscale] = run('TorchBatchNormTrainGrad', inputs, epsAttrs);
      return {
        x: () => dx,
        mean: () => one('TorchZeros', {}, { shape: mean.shape }),
        variance: () => one('TorchZeros', {}, { shape: variance.shape }),
        offset: () => reshape(doffset, [channels]),
        scale: () => reshape(dscale, scale?.shape ?? [channels]),
      };
    }
    // Computed here, not inside the closures: tfjs runs each closure in its own tidy,
    // which would dispose the other four outputs.
    const grads = run('TorchBatchNormGrad', inputs, epsAttrs);
    const all = () => grads;
    return {
      x: () => all()[0],
      mean: () => reshape(all()[1], mean.shape),
      variance: () => reshape(all()[2], variance.shape),
      offset: () => reshape(all()[3], [channels]),
      scale: () => reshape(all()[4], scale?.shape ?? [channels]),
    };
  },
};

/** Installs the torch gradients (once; later calls do nothing). */
export function installTorchGradients(backendName: string): void {
  for (const [kernelName, torchGrad] of Object.entries(TORCH_GRADIENTS)) {
    const existing = getGradient(kernelName) as (GradConfig & { [WRAPPED]?: true }) | undefined;
    if (existing == null || existing[WRAPPED]) continue;
    const fallback = existing.gradFunc;
    const wrapped: GradConfig & { [WRAPPED]: true } = {
      ...existing,
      gradFunc: (dy, saved, attrs) => {
        if (getBackend() === backendName && !Array.isArray(dy)) {
          const grads = torchGrad(dy, saved, attrs);
          if (grads != null) return grads;
        }
        return fallback(dy, saved, attrs);
      },
      [WRAPPED]: true,
    };
    unregisterGradient(kernelName);
    registerGradient(wrapped);
  }
}
