// N-API entry points of the `torch` backend: a store of at::Tensors keyed by integer
// handles (the JS backend keeps one handle per tfjs dataId), upload/download (the only
// copies between JS and C++), and one generic `run(kernel, handles, shapes, attrs)`.
#include <ATen/Parallel.h>
#include <torch/version.h>

#include <cstdlib>
#include <cstring>
#include <thread>
#include <unordered_map>

#include "common.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace scalenet {

std::unordered_map<std::string, KernelFn>& kernelTable();

namespace {

std::unordered_map<uint32_t, at::Tensor> tensors;
uint32_t nextHandle = 1;
at::Device device = at::kCPU;
std::string deviceName = "cpu";

at::ScalarType dtypeFromName(const std::string& name) {
  if (name == "float32") return at::kFloat;
  if (name == "int32") return at::kInt;
  if (name == "bool") return at::kBool;
  throw std::runtime_error("torch backend: dtype " + name +
                           " is not supported (float32, int32 and bool are)");
}

const char* dtypeName(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return "float32";
    case at::kInt: return "int32";
    case at::kBool: return "bool";
    default: return nullptr;
  }
}

// Every tensor the store keeps is in one of the three tfjs dtypes and contiguous (row-major,
// tfjs layout), or 4-D over contiguous NCHW memory (what convolutions make, common.h
// planarConvolutions): a reshape of that copies, a download makes it contiguous first.
at::Tensor normalise(at::Tensor t, bool keepBroadcast) {
  switch (t.scalar_type()) {
    case at::kFloat: case at::kInt: case at::kBool: break;
    case at::kDouble: case at::kHalf: case at::kBFloat16: t = t.to(at::kFloat); break;
    case at::kLong: case at::kShort: case at::kChar: case at::kByte: t = t.to(at::kInt); break;
    default: throw std::runtime_error(std::string("torch backend: a kernel produced dtype ") +
                                      c10::toString(t.scalar_type()));
  }
  // A broadcast (stride-0) result may stay a view: it costs no memory and no pass, and
  // every consumer reads it through ATen, which handles any strides.
  if (keepBroadcast) return t;
  if (t.dim() == 4 && t.scalar_type() == at::kFloat && toNchw(t).is_contiguous()) return t;
  return t.contiguous();
}

uint32_t keep(at::Tensor t, bool keepBroadcast = false) {
  uint32_t h = nextHandle++;
  tensors.emplace(h, normalise(std::move(t), keepBroadcast));
  return h;
}

// Kernels whose output is an expand() of a small tensor, kept as a view.
bool broadcastKernel(const std::string& name) { return name == "TorchMeanGrad"; }

at::Tensor& lookup(uint32_t h) {
  auto it = tensors.find(h);
  if (it == tensors.end()) throw std::runtime_error("torch backend: unknown tensor handle " + std::to_string(h));
  return it->second;
}

std::vector<int64_t> shapeOf(const Napi::Value& v) {
  std::vector<int64_t> s;
  Napi::Array a = v.As<Napi::Array>();
  s.reserve(a.Length());
  for (uint32_t i = 0; i < a.Length(); i++) s.push_back(a.Get(i).As<Napi::Number>().Int64Value());
  return s;
}

Napi::Array describe(Napi::Env env, uint32_t h) {
  const at::Tensor& t = lookup(h);
  Napi::Array out = Napi::Array::New(env, 3);
  out.Set(0u, Napi::Number::New(env, h));
  Napi::Array shape = Napi::Array::New(env, t.dim());
  for (int64_t i = 0; i < t.dim(); i++) shape.Set(static_cast<uint32_t>(i), Napi::Number::New(env, t.size(i)));
  out.Set(1u, shape);
  out.Set(2u, Napi::String::New(env, dtypeName(t.scalar_type())));
  return out;
}

Napi::Object infoObject(Napi::Env env) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("libtorchVersion", TORCH_VERSION);
  o.Set("device", deviceName);
  o.Set("threads", at::get_num_threads());
  o.Set("cudaAvailable", at::hasCUDA());
  o.Set("cudaDeviceCount", at::hasCUDA() ? static_cast<double>(at::detail::getCUDAHooks().getNumGPUs()) : 0.0);
  o.Set("mpsAvailable", at::hasMPS());
  o.Set("mkldnnAvailable", at::hasMKLDNN());
  o.Set("cxx11Abi", static_cast<bool>(_GLIBCXX_USE_CXX11_ABI));
  return o;
}

// init({ device: 'auto'|'cpu'|'cuda'|'mps', threads: number }) -> info
Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object opts = info.Length() > 0 && info[0].IsObject() ? info[0].As<Napi::Object>() : Napi::Object::New(env);
  std::string want = opts.Has("device") && opts.Get("device").IsString() ? opts.Get("device").As<Napi::String>().Utf8Value() : "auto";
  int threads = opts.Has("threads") && opts.Get("threads").IsNumber() ? opts.Get("threads").As<Napi::Number>().Int32Value() : 0;
  if (want == "cuda" || (want == "auto" && at::hasCUDA() && at::detail::getCUDAHooks().getNumGPUs() > 0)) {
    if (!at::hasCUDA()) throw Napi::Error::New(env, "torch backend: device cuda asked for, but this libtorch has no CUDA or no GPU is visible");
    device = at::Device(at::kCUDA, 0);
    deviceName = "cuda";
  } else if (want == "mps" || (want == "auto" && at::hasMPS())) {
    if (!at::hasMPS()) throw Napi::Error::New(env, "torch backend: device mps asked for, but MPS is not available");
    device = at::Device(at::kMPS);
    deviceName = "mps";
  } else if (want == "cpu" || want == "auto") {
    device = at::kCPU;
    deviceName = "cpu";
  } else {
    throw Napi::Error::New(env, "torch backend: unknown device '" + want + "' (auto, cpu, cuda or mps)");
  }
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  at::set_num_threads(threads);
  return infoObject(env);
}

Napi::Value Info(const Napi::CallbackInfo& info) { return infoObject(info.Env()); }

// upload(typedArray, shape, dtype) -> handle. Copies the data once into a new tensor.
Napi::Value Upload(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::TypedArray arr = info[0].As<Napi::TypedArray>();
  std::vector<int64_t> shape = shapeOf(info[1]);
  at::ScalarType dt = dtypeFromName(info[2].As<Napi::String>().Utf8Value());
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  size_t elem = at::elementSize(dt);
  size_t bytes = arr.ByteLength();
  uint8_t* src = static_cast<uint8_t*>(arr.ArrayBuffer().Data()) + arr.ByteOffset();
  at::Tensor t = at::empty(shape, at::TensorOptions().dtype(dt));
  if (dt == at::kBool) {
    // tfjs bool data is one byte per element; torch's bool must be exactly 0 or 1.
    if (bytes != static_cast<size_t>(n)) throw Napi::Error::New(env, "torch backend: bool data has the wrong length");
    bool* dst = t.data_ptr<bool>();
    for (int64_t i = 0; i < n; i++) dst[i] = src[i] != 0;
  } else {
    if (bytes != static_cast<size_t>(n) * elem) {
      throw Napi::Error::New(env, "torch backend: data of " + std::to_string(bytes) + " bytes for a tensor of " +
                                      std::to_string(n) + " elements");
    }
    std::memcpy(t.data_ptr(), src, bytes);
  }
  if (device != at::kCPU) t = t.to(device);
  return Napi::Number::New(env, keep(std::move(t)));
}

// download(handle) -> Float32Array | Int32Array | Uint8Array (a fresh copy).
Napi::Value Download(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::Tensor t = lookup(info[0].As<Napi::Number>().Uint32Value());
  if (t.device() != at::kCPU) t = t.to(at::kCPU);
  t = t.contiguous();
  size_t n = static_cast<size_t>(t.numel());
  switch (t.scalar_type()) {
    case at::kFloat: {
      auto out = Napi::Float32Array::New(env, n);
      if (n) std::memcpy(out.Data(), t.data_ptr(), n * 4);
      return out;
    }
    case at::kInt: {
      auto out = Napi::Int32Array::New(env, n);
      if (n) std::memcpy(out.Data(), t.data_ptr(), n * 4);
      return out;
    }
    default: {
      auto out = Napi::Uint8Array::New(env, n);
      if (n) std::memcpy(out.Data(), t.data_ptr(), n);
      return out;
    }
  }
}

Napi::Value Dispose(const Napi::CallbackInfo& info) {
  uint32_t h = info[0].As<Napi::Number>().Uint32Value();
  tensors.erase(h);
  forgetDerived(h);
  return info.Env().Undefined();
}

Napi::Value Count(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(tensors.size()));
}

Napi::Value Kernels(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array out = Napi::Array::New(env);
  uint32_t i = 0;
  for (auto& kv : kernelTable()) out.Set(i++, kv.first);
  return out;
}

// run(kernel, handles, shapes, attrs) -> [[handle, shape, dtype], ...]
Napi::Value Run(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = info[0].As<Napi::String>().Utf8Value();
  auto it = kernelTable().find(name);
  if (it == kernelTable().end()) throw Napi::Error::New(env, "torch backend: kernel " + name + " is not implemented natively");
  Napi::Array handles = info[1].As<Napi::Array>();
  Napi::Array shapes = info[2].As<Napi::Array>();
  KernelArgs args;
  args.kernel = name;
  args.attrs = info.Length() > 3 && info[3].IsObject() ? info[3].As<Napi::Object>() : Napi::Object::New(env);
  args.in.reserve(handles.Length());
  for (uint32_t i = 0; i < handles.Length(); i++) {
    args.handles.push_back(handles.Get(i).As<Napi::Number>().Uint32Value());
    const at::Tensor& t = lookup(args.handles.back());
    std::vector<int64_t> shape = shapeOf(shapes.Get(i));
    // Stored tensors are contiguous (view is free) except broadcast views (reshape copies
    // them only when the new shape needs it).
    args.in.push_back(t.is_contiguous() ? t.view(shape) : (t.sizes() == at::IntArrayRef(shape) ? t : t.reshape(shape)));
  }
  std::vector<at::Tensor> outs;
  try {
    outs = it->second(args);
  } catch (const c10::Error& e) {
    throw Napi::Error::New(env, "torch backend, kernel " + name + ": " + e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
  bool keepBroadcast = broadcastKernel(name);
  Napi::Array result = Napi::Array::New(env, outs.size());
  for (size_t i = 0; i < outs.size(); i++) result.Set(static_cast<uint32_t>(i), describe(env, keep(std::move(outs[i]), keepBroadcast || isZeroBroadcast(outs[i]))));
  return result;
}

// Activations of ResNet at 32 px and batch 128 are 32 MiB and more, above glibc's
// largest dynamic mmap threshold: each one was a fresh mmap whose every page faulted on
// first touch and was unmapped again on free, hundreds of thousands of faults a step
// (threshold_backward on 128x32x32x64: 19 ms, 4.3 ms from reused heap memory; the same
// in PyTorch eager on this libtorch). Large blocks come from the heap and stay there for
// the next step. A user's own MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_ win.
void keepLargeBlocksInHeap() {
#ifdef __GLIBC__
  if (std::getenv("MALLOC_MMAP_THRESHOLD_") == nullptr) mallopt(M_MMAP_THRESHOLD, 1 << 30);
  if (std::getenv("MALLOC_TRIM_THRESHOLD_") == nullptr) mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

Napi::Object InitialiseAddon(Napi::Env env, Napi::Object exports) {
  keepLargeBlocksInHeap();
  // Denormals made PyTorch eager 3-4x slower on this project's training steps.
  at::globalContext().setFlushDenormal(true);
  registerElementwiseKernels();
  registerNnKernels();
  registerShapeKernels();
  registerReduceKernels();
  registerGradKernels();
  exports.Set("init", Napi::Function::New(env, Init));
  exports.Set("info", Napi::Function::New(env, Info));
  exports.Set("upload", Napi::Function::New(env, Upload));
  exports.Set("download", Napi::Function::New(env, Download));
  exports.Set("dispose", Napi::Function::New(env, Dispose));
  exports.Set("count", Napi::Function::New(env, Count));
  exports.Set("kernels", Napi::Function::New(env, Kernels));
  exports.Set("run", Napi::Function::New(env, Run));
  return exports;
}

}  // namespace

at::Device currentDevice() { return device; }

Napi::Object Initialise(Napi::Env env, Napi::Object exports) { return InitialiseAddon(env, exports); }

}  // namespace scalenet

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return scalenet::Initialise(env, exports); }

NODE_API_MODULE(scalenet_torch, InitModule)
