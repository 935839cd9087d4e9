// The torch backend's own gradient kernels (registered under Torch* names and used by
// ../gradients.ts only while torch is the active backend): each replaces a chain of
// full-size elementwise kernels that tfjs-core's generic gradients build.
#include "common.h"

namespace scalenet {
namespace {

using T = at::Tensor;
using Outs = std::vector<at::Tensor>;

// inputs dy, x, mean, variance[, scale] (mean/variance/scale of the last axis) ->
// dx, dmean, dvariance, doffset, dscale. ATen's batch-norm backward in inference form
// (statistics given) does dx and the two per-channel sums in one pass over NHWC data.
Outs batchNormGrad(KernelArgs& a) {
  const T& dy = a.in[0];
  const T& x = a.in[1];
  int64_t c = x.size(-1);
  T mean = a.in[2].reshape({c}), var = a.in[3].reshape({c});
  bool hasScale = a.flag("hasScale");
  T scale = hasScale ? a.in[4].reshape({c}) : at::ones({c}, x.options());
  double eps = a.num("varianceEpsilon");
  bool four = x.dim() == 4;
  T xv = four ? toNchw(x) : x.reshape({-1, c});
  T dyv = four ? toNchw(dy) : dy.reshape({-1, c});
  auto grads = at::native_batch_norm_backward(dyv, xv, scale, mean, var, c10::nullopt, c10::nullopt, false, eps,
                                              {true, true, true});
  T dx = std::get<0>(grads);
  dx = four ? toNhwc(dx) : dx.reshape(x.sizes());
  T dscale = std::get<1>(grads), doffset = std::get<2>(grads);
  T rstd = at::rsqrt(var + eps);
  T dmean = -scale * rstd * doffset;
  T dvar = -0.5 * scale * rstd * rstd * dscale;
  return Outs{dx, dmean, dvar, doffset, dscale};
}

// inputs dy, x, mean, variance[, scale], where mean and variance are x's batch moments:
// the whole training-mode gradient (through the moments too) -> dx, doffset, dscale.
Outs batchNormTrainGrad(KernelArgs& a) {
  const T& dy = a.in[0];
  const T& x = a.in[1];
  int64_t c = x.size(-1);
  T mean = a.in[2].reshape({c}), var = a.in[3].reshape({c});
  bool hasScale = a.flag("hasScale");
  T scale = hasScale ? a.in[4].reshape({c}) : at::ones({c}, x.options());
  double eps = a.num("varianceEpsilon");
  bool four = x.dim() == 4;
  T xv = four ? toNchw(x) : x.reshape({-1, c});
  T dyv = four ? toNchw(dy) : dy.reshape({-1, c});
  T invstd = at::rsqrt(var + eps);
  auto grads = at::native_batch_norm_backward(dyv, xv, scale, c10::nullopt, c10::nullopt, mean, invstd, true, eps,
                                              {true, true, true});
  T dx = std::get<0>(grads);
  dx = four ? toNhwc(dx) : dx.reshape(x.sizes());
  return Outs{dx, std::get<2>(grads), std::get<1>(grads)};
}

}  // namespace

void registerGradKernels() {
  registerKernel("TorchBatchNormTrainGrad", batchNormTrainGrad);
  registerKernel("TorchZeros", [](KernelArgs& a) {
    return Outs{zeroBroadcast(a.ints("shape"), at::TensorOptions().dtype(at::kFloat).device(currentDevice()))};
  });
  registerKernel("TorchReluGrad", [](KernelArgs& a) { return Outs{at::threshold_backward(a.in[0], a.in[1], 0)}; });
  registerKernel("TorchSquareGrad", [](KernelArgs& a) {
    if (isZeroBroadcast(a.in[0])) return Outs{zeroBroadcast(a.in[1].sizes(), a.in[1].options())};
    return Outs{at::mul(a.in[0], a.in[1]).mul_(2)};
  });
  // A second handle on the same tensor (no copy): what a deferred result holds its
  // inputs by, so that they outlive the tfjs tensors they came from.
  registerKernel("TorchAlias", [](KernelArgs& a) { return Outs{a.in[0]}; });
  // inputs dy, x, mean: the gradient of square(x - mean) with respect to x - mean, for a
  // centred tensor the fused moments never made (a zero dy, as in training batch norm,
  // needs none of it).
  registerKernel("TorchCentredSquareGrad", [](KernelArgs& a) {
    if (isZeroBroadcast(a.in[0])) return Outs{zeroBroadcast(a.in[1].sizes(), a.in[1].options())};
    return Outs{at::mul(a.in[0], at::sub(a.in[1], a.in[2])).mul_(2)};
  });
  // inputs dy (the reduced shape); attrs shape (of x), keepShape (dy with the reduced axes
  // kept as 1), count (elements averaged).
  registerKernel("TorchMeanGrad", [](KernelArgs& a) {
    // Divided while small, then broadcast: the store keeps the expand() as a view.
    if (isZeroBroadcast(a.in[0])) return Outs{zeroBroadcast(a.ints("shape"), a.in[0].options())};
    return Outs{at::div(a.in[0], a.num("count")).reshape(a.ints("keepShape")).expand(a.ints("shape"))};
  });
  registerKernel("TorchBatchNormGrad", batchNormGrad);
}

}  // namespace scalenet
