/**
 * The gradient of `FusedBatchNorm` without `tile`, for the wasm backend.
 *
 * Why: tfjs-core's gradient tiles 1/sqrt(var + eps) to the full [N, H, W, C] shape and
 * makes about nine full-size intermediates; on wasm the Tile alone was ~15-18% of a
 * ResNet-18 training step (MACHINE.md). The same maths with broadcasting needs three
 * full-size passes (x - mean, dy * (x - mean), dy * scale * rstd) and two per-channel
 * reductions:
 *
 *   rstd = 1 / sqrt(var + eps),  g = scale * rstd,  xc = x - mean
 *   dx = dy * g               dmean = -g * sum(dy)        doffset = sum(dy)
 *   dscale = rstd * sum(dy * xc)    dvar = -0.5 * g * rstd^2 * sum(dy * xc)
 *
 * Gradients are global in tfjs (not per backend), so on any other backend, and for the
 * shapes tfjs-core's version handles differently (a mean of rank > 1), this delegates to
 * tfjs-core's own gradient. That also keeps the `cpu` backend an independent oracle.
 */
import {
  add,
  getBackend,
  mul,
  neg,
  reshape,
  rsqrt,
  scalar,
  square,
  sub,
  sum,
  tidy,
  type FusedBatchNormAttrs,
  type GradConfig,
  type Tensor,
} from '@tensorflow/tfjs-core';

export function makeBatchNormGradConfig(builtin: GradConfig): GradConfig {
  return {
    kernelName: 'FusedBatchNorm',
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy, saved, attrs) => {
      const [x, mean, variance, scale] = saved;
      const dyT = Array.isArray(dy) ? dy[0] : dy;
      if (getBackend() !== 'wasm' || mean.rank !== 1 || Array.isArray(dy)) {
        return builtin.gradFunc(dy, saved, attrs);
      }
      const { varianceEpsilon } = attrs as unknown as FusedBatchNormAttrs;
      const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
      const shape = mean.shape;
      // Per-channel tensors: kept in the backward pass's scope, which frees them at its end.
      const rstd = rsqrt(add(variance, scalar(varianceEpsilon)));
      const g = scale == null ? rstd : mul(rstd, scale);
      // The full-size x - mean is freed right after its reduction, not at the end of backprop.
      const [sumDy, sumDyXc] = tidy((): Tensor[] => [
        sum(dyT, axes),
        sum(mul(dyT, sub(x, mean)), axes),
      ]);
      return {
        x: () => mul(dyT, g),
        mean: () => reshape(neg(mul(sumDy, g)), shape),
        variance: () => reshape(mul(mul(sumDyXc, g), mul(square(rstd), scalar(-0.5))), shape),
        scale: () => reshape(mul(sumDyXc, rstd), shape),
        offset: () => reshape(sumDy, shape),
      } satisfies Record<string, () => Tensor>;
    },
  };
}
