// Shared declarations of the `torch` backend's native addon: the tensor store (one
// at::Tensor per tfjs dataId) and the kernel registry the generic `run` executor uses.
#pragma once
#include <napi.h>
#include <ATen/ATen.h>

#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace scalenet {

// The inputs of one kernel call: tensors already viewed to the shapes tfjs gave, and the
// kernel's attrs object (plain numbers, arrays, strings, booleans as tfjs passes them).
struct KernelArgs {
  std::vector<at::Tensor> in;
  std::vector<uint32_t> handles;  // the store's handle of each input
  Napi::Object attrs;
  std::string kernel;

  bool has(const char* name) const;
  double num(const char* name) const;
  int64_t integer(const char* name) const;
  bool flag(const char* name) const;
  std::string str(const char* name) const;
  std::vector<int64_t> ints(const char* name) const;
  [[noreturn]] void fail(const std::string& why) const;
  // A tensor made from input i alone (a filter in ATen's layout), kept until that input's
  // handle is disposed: tfjs tensors never change, so a convolution's forward and its input
  // gradient convert the same filter once. `what` names the derivation.
  at::Tensor derived(size_t i, const char* what, const std::function<at::Tensor()>& make) const;
};

// Drops what derived() kept for a handle (the store calls it when the handle is disposed).
void forgetDerived(uint32_t handle);

using KernelFn = std::function<std::vector<at::Tensor>(KernelArgs&)>;

void registerKernel(const std::string& name, KernelFn fn);

void registerElementwiseKernels();
void registerNnKernels();
void registerShapeKernels();
void registerReduceKernels();
void registerGradKernels();

// Convolutions hand oneDNN plain NCHW, which it runs with its blocked kernels (a ResNet-18
// step 8% faster at 32 px and 3% at 16 px than channels_last views, A/B in one process),
// and their results stay in that memory order. So a stored 4-D tensor is either contiguous
// NHWC or an NHWC view of contiguous NCHW (addon.cpp normalise).
// SCALENET_TORCH_LAYOUT=channels_last (the views used before) is read once per process,
// for A/B timing.
inline bool planarConvolutions() {
  static const bool planar = [] {
    const char* v = std::getenv("SCALENET_TORCH_LAYOUT");
    return v == nullptr || std::string(v) != "channels_last";
  }();
  return planar;
}

// NHWC tensor -> channels_last NCHW view (no copy) and back.
inline at::Tensor toNchw(const at::Tensor& nhwc) { return nhwc.permute({0, 3, 1, 2}); }
inline at::Tensor toNhwc(const at::Tensor& nchw) { return nchw.permute({0, 2, 3, 1}); }

// A tensor of zeros that is a broadcast of one element (every stride 0): what the
// backend's gradients produce for terms that vanish; kernels short-cut on it.
inline bool isZeroBroadcast(const at::Tensor& t) {
  if (t.dim() == 0 || t.numel() < 2 || !t.device().is_cpu() || t.scalar_type() != at::kFloat) return false;
  for (int64_t s : t.strides()) {
    if (s != 0) return false;
  }
  return *static_cast<const float*>(t.data_ptr()) == 0.0f;
}

inline at::Tensor zeroBroadcast(at::IntArrayRef shape, const at::TensorOptions& opts) {
  return at::zeros({1}, opts).expand(shape);
}

// The device tensors live on (CPU, CUDA or MPS), chosen at init.
at::Device currentDevice();

}  // namespace scalenet
