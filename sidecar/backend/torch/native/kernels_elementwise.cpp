// Elementwise kernels: unary, binary (numpy broadcasting, as tfjs), comparisons, Select,
// Cast, and the activation gradients tfjs has as kernels.
#include "common.h"

namespace scalenet {
namespace {

using T = at::Tensor;
using Outs = std::vector<at::Tensor>;

void unary(const char* name, std::function<T(const T&)> f) {
  registerKernel(name, [f](KernelArgs& a) { return Outs{f(a.in[0])}; });
}

void binary(const char* name, std::function<T(const T&, const T&)> f) {
  registerKernel(name, [f](KernelArgs& a) { return Outs{f(a.in[0], a.in[1])}; });
}

// tfjs float unary ops on int32 inputs return float32, as torch's do for these.
T asFloat(const T& x) { return x.is_floating_point() ? x : x.to(at::kFloat); }

at::ScalarType dtypeAttr(const KernelArgs& a) {
  std::string d = a.str("dtype");
  if (d == "float32") return at::kFloat;
  if (d == "int32") return at::kInt;
  if (d == "bool") return at::kBool;
  a.fail("dtype " + d + " is not supported (float32, int32, bool)");
}

}  // namespace

void registerElementwiseKernels() {
  unary("Abs", [](const T& x) { return at::abs(x); });
  unary("Neg", [](const T& x) { return isZeroBroadcast(x) ? x : at::neg(x); });
  unary("Exp", [](const T& x) { return at::exp(asFloat(x)); });
  unary("Expm1", [](const T& x) { return at::expm1(asFloat(x)); });
  unary("Log", [](const T& x) { return at::log(asFloat(x)); });
  unary("Log1p", [](const T& x) { return at::log1p(asFloat(x)); });
  unary("Sqrt", [](const T& x) { return at::sqrt(asFloat(x)); });
  unary("Rsqrt", [](const T& x) { return at::rsqrt(asFloat(x)); });
  unary("Square", [](const T& x) { return at::mul(x, x); });
  unary("Reciprocal", [](const T& x) { return at::reciprocal(asFloat(x)); });
  unary("Sigmoid", [](const T& x) { return at::sigmoid(asFloat(x)); });
  unary("Tanh", [](const T& x) { return at::tanh(asFloat(x)); });
  unary("Softplus", [](const T& x) { return at::softplus(asFloat(x)); });
  unary("Sin", [](const T& x) { return at::sin(asFloat(x)); });
  unary("Cos", [](const T& x) { return at::cos(asFloat(x)); });
  unary("Tan", [](const T& x) { return at::tan(asFloat(x)); });
  unary("Asin", [](const T& x) { return at::asin(asFloat(x)); });
  unary("Acos", [](const T& x) { return at::acos(asFloat(x)); });
  unary("Atan", [](const T& x) { return at::atan(asFloat(x)); });
  unary("Sinh", [](const T& x) { return at::sinh(asFloat(x)); });
  unary("Cosh", [](const T& x) { return at::cosh(asFloat(x)); });
  unary("Asinh", [](const T& x) { return at::asinh(asFloat(x)); });
  unary("Acosh", [](const T& x) { return at::acosh(asFloat(x)); });
  unary("Atanh", [](const T& x) { return at::atanh(asFloat(x)); });
  unary("Erf", [](const T& x) { return at::erf(asFloat(x)); });
  unary("Floor", [](const T& x) { return x.is_floating_point() ? at::floor(x) : x.clone(); });
  unary("Ceil", [](const T& x) { return x.is_floating_point() ? at::ceil(x) : x.clone(); });
  // Both round half to even.
  unary("Round", [](const T& x) { return x.is_floating_point() ? at::round(x) : x.clone(); });
  unary("Sign", [](const T& x) { return at::sign(x); });
  unary("Relu", [](const T& x) { return at::relu(x); });
  unary("Relu6", [](const T& x) { return at::clamp(x, 0, 6); });
  unary("Elu", [](const T& x) { return at::elu(asFloat(x)); });
  unary("Selu", [](const T& x) { return at::selu(asFloat(x)); });
  unary("IsNan", [](const T& x) { return at::isnan(x); });
  unary("IsInf", [](const T& x) { return at::isinf(x); });
  unary("IsFinite", [](const T& x) { return at::isfinite(x); });
  unary("LogicalNot", [](const T& x) { return at::logical_not(x); });
  unary("ZerosLike", [](const T& x) { return at::zeros_like(x, at::MemoryFormat::Contiguous); });
  unary("OnesLike", [](const T& x) { return at::ones_like(x, at::MemoryFormat::Contiguous); });

  registerKernel("Step", [](KernelArgs& a) {
    const T& x = a.in[0];
    double alpha = a.has("alpha") ? a.num("alpha") : 0.0;
    T y = at::where(x > 0, at::scalar_tensor(1.0, x.options()), at::scalar_tensor(alpha, x.options()));
    return Outs{x.is_floating_point() ? at::where(at::isnan(x), x, y) : y};
  });
  registerKernel("LeakyRelu", [](KernelArgs& a) {
    return Outs{at::leaky_relu(asFloat(a.in[0]), a.num("alpha"))};
  });
  registerKernel("ClipByValue", [](KernelArgs& a) {
    const T& x = a.in[0];
    return Outs{at::clamp(x, a.num("clipValueMin"), a.num("clipValueMax")).to(x.scalar_type())};
  });
  registerKernel("Cast", [](KernelArgs& a) {
    at::ScalarType to = dtypeAttr(a);
    const T& x = a.in[0];
    if (to == at::kBool) return Outs{x != 0};
    return Outs{x.to(to)};
  });
  registerKernel("EluGrad", [](KernelArgs& a) {
    const T& dy = a.in[0];
    const T& y = a.in[1];
    return Outs{at::where(y < 0, dy * (y + 1), dy)};
  });
  registerKernel("Prelu", [](KernelArgs& a) {
    const T& x = a.in[0];
    return Outs{at::where(x < 0, x * a.in[1], x)};
  });

  // Adding a zero broadcast (a vanished gradient term) is the other operand.
  binary("Add", [](const T& a, const T& b) {
    if (isZeroBroadcast(b) && at::infer_size(a.sizes(), b.sizes()) == a.sizes() && a.scalar_type() == at::kFloat) return a;
    if (isZeroBroadcast(a) && at::infer_size(a.sizes(), b.sizes()) == b.sizes() && b.scalar_type() == at::kFloat) return b;
    return at::add(a, b);
  });
  binary("Sub", [](const T& a, const T& b) { return at::sub(a, b); });
  binary("Multiply", [](const T& a, const T& b) { return at::mul(a, b); });
  binary("RealDiv", [](const T& a, const T& b) { return at::div(a, b); });
  binary("FloorDiv", [](const T& a, const T& b) { return at::div(a, b, "floor"); });
  binary("Maximum", [](const T& a, const T& b) { return at::maximum(a, b); });
  binary("Minimum", [](const T& a, const T& b) { return at::minimum(a, b); });
  binary("Pow", [](const T& a, const T& b) { return at::pow(a, b); });
  binary("SquaredDifference", [](const T& a, const T& b) {
    T d = at::sub(a, b);
    return at::mul(d, d);
  });
  // Sign of the divisor, as tfjs and Python.
  binary("Mod", [](const T& a, const T& b) { return at::remainder(a, b); });
  binary("Atan2", [](const T& a, const T& b) { return at::atan2(asFloat(a), asFloat(b)); });
  binary("Equal", [](const T& a, const T& b) { return at::eq(a, b); });
  binary("NotEqual", [](const T& a, const T& b) { return at::ne(a, b); });
  binary("Less", [](const T& a, const T& b) { return at::lt(a, b); });
  binary("LessEqual", [](const T& a, const T& b) { return at::le(a, b); });
  binary("Greater", [](const T& a, const T& b) { return at::gt(a, b); });
  binary("GreaterEqual", [](const T& a, const T& b) { return at::ge(a, b); });
  binary("LogicalAnd", [](const T& a, const T& b) { return at::logical_and(a, b); });
  binary("LogicalOr", [](const T& a, const T& b) { return at::logical_or(a, b); });
  binary("LogicalXor", [](const T& a, const T& b) { return at::logical_xor(a, b); });

  registerKernel("AddN", [](KernelArgs& a) {
    T acc = a.in[0].clone();
    for (size_t i = 1; i < a.in.size(); i++) acc.add_(a.in[i]);
    return Outs{acc};
  });
  // tfjs: a rank-1 condition picks whole rows of t and e.
  registerKernel("Select", [](KernelArgs& a) {
    T cond = a.in[0].to(at::kBool);
    const T& t = a.in[1];
    const T& e = a.in[2];
    if (cond.dim() == 1 && t.dim() > 1) {
      std::vector<int64_t> shape(t.dim(), 1);
      shape[0] = cond.size(0);
      cond = cond.view(shape);
    }
    return Outs{at::where(cond, t, e)};
  });
}

}  // namespace scalenet
