// Kernel registry and attribute readers.
#include "common.h"

#include <unordered_map>

namespace scalenet {

std::unordered_map<std::string, KernelFn>& kernelTable() {
  static std::unordered_map<std::string, KernelFn> table;
  return table;
}

void registerKernel(const std::string& name, KernelFn fn) { kernelTable()[name] = std::move(fn); }

bool KernelArgs::has(const char* name) const {
  if (!attrs.Has(name)) return false;
  Napi::Value v = attrs.Get(name);
  return !v.IsUndefined() && !v.IsNull();
}

void KernelArgs::fail(const std::string& why) const {
  throw std::runtime_error("torch backend, kernel " + kernel + ": " + why);
}

double KernelArgs::num(const char* name) const {
  Napi::Value v = attrs.Get(name);
  if (v.IsNumber()) return v.As<Napi::Number>().DoubleValue();
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value() ? 1 : 0;
  fail(std::string("attr ") + name + " is not a number");
}

int64_t KernelArgs::integer(const char* name) const { return static_cast<int64_t>(num(name)); }

bool KernelArgs::flag(const char* name) const {
  if (!has(name)) return false;
  Napi::Value v = attrs.Get(name);
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value();
  if (v.IsNumber()) return v.As<Napi::Number>().DoubleValue() != 0;
  fail(std::string("attr ") + name + " is not a boolean");
}

std::string KernelArgs::str(const char* name) const {
  Napi::Value v = attrs.Get(name);
  if (v.IsString()) return v.As<Napi::String>().Utf8Value();
  fail(std::string("attr ") + name + " is not a string");
}

std::vector<int64_t> KernelArgs::ints(const char* name) const {
  Napi::Value v = attrs.Get(name);
  std::vector<int64_t> out;
  if (v.IsUndefined() || v.IsNull()) return out;
  if (v.IsTypedArray()) {
    Napi::TypedArray t = v.As<Napi::TypedArray>();
    for (uint32_t i = 0; i < t.ElementLength(); i++) {
      out.push_back(static_cast<int64_t>(t.Get(i).As<Napi::Number>().DoubleValue()));
    }
    return out;
  }
  if (v.IsNumber()) {
    out.push_back(static_cast<int64_t>(v.As<Napi::Number>().DoubleValue()));
    return out;
  }
  if (!v.IsArray()) fail(std::string("attr ") + name + " is not an array");
  Napi::Array a = v.As<Napi::Array>();
  out.reserve(a.Length());
  for (uint32_t i = 0; i < a.Length(); i++) {
    out.push_back(static_cast<int64_t>(a.Get(i).As<Napi::Number>().DoubleValue()));
  }
  return out;
}

namespace {
struct Derived {
  std::string what;
  std::vector<int64_t> sizes;  // of the input viewed (a reshape shares the handle)
  at::Tensor tensor;
};
std::unordered_map<uint32_t, Derived>& derivedTable() {
  static std::unordered_map<uint32_t, Derived> table;
  return table;
}
}  // namespace

at::Tensor KernelArgs::derived(size_t i, const char* what, const std::function<at::Tensor()>& make) const {
  auto& table = derivedTable();
  auto it = table.find(handles[i]);
  if (it != table.end() && it->second.what == what && in[i].sizes() == at::IntArrayRef(it->second.sizes)) {
    return it->second.tensor;
  }
  at::Tensor t = make();
  table[handles[i]] = Derived{what, in[i].sizes().vec(), t};
  return t;
}

void forgetDerived(uint32_t handle) { derivedTable().erase(handle); }

}  // namespace scalenet
