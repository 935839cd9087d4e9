// Convolutions (forward, both backprops, depthwise, fused bias+activation), pools and
// their gradients, batch norm, matmuls and bilinear resizing. Tensors arrive NHWC and go
// to ATen as NCHW views (permute, no copy); convolutions then take plain NCHW (a copy only
// where the data is NHWC, as the network's input; common.h planarConvolutions).
// Padding arrives from JS as tfjs computed it (backend_util.computeConv2DInfo /
// computePool2DInfo): [top, bottom, left, right]; tfjs 'same' can be uneven, which ATen
// cannot express, so the uneven part is padded explicitly and the rest goes to ATen.
#include <limits>

#include "common.h"

namespace scalenet {
namespace {

using T = at::Tensor;
using Outs = std::vector<at::Tensor>;

struct Geometry {
  int64_t padH, padW;                  // symmetric part, given to ATen
  int64_t extraT, extraB, extraL, extraR;  // uneven rest, padded explicitly
  std::vector<int64_t> strides, dilations;
  bool uneven() const { return extraT || extraB || extraL || extraR; }
};

Geometry geometry(const KernelArgs& a) {
  std::vector<int64_t> p = a.ints("pads");
  Geometry g;
  g.padH = std::min(p[0], p[1]);
  g.padW = std::min(p[2], p[3]);
  // ATen pools take at most half the window as padding: the rest is padded explicitly.
  if (a.has("filterSize")) {
    std::vector<int64_t> k = a.ints("filterSize");
    if (g.padH > k[0] / 2) g.padH = 0;
    if (g.padW > k[1] / 2) g.padW = 0;
  }
  g.extraT = p[0] - g.padH;
  g.extraB = p[1] - g.padH;
  g.extraL = p[2] - g.padW;
  g.extraR = p[3] - g.padW;
  g.strides = a.ints("strides");
  g.dilations = a.has("dilations") ? a.ints("dilations") : std::vector<int64_t>{1, 1};
  // tfjs's dimRoundingMode 'round'/'ceil' can ask for one more output than ATen's floor
  // gives: pad the bottom/right so that the last window exists (its padding never counts).
  if (a.has("outSize") && a.has("inSize") && a.has("filterSize")) {
    std::vector<int64_t> out = a.ints("outSize"), in = a.ints("inSize"), k = a.ints("filterSize");
    int64_t needH = (out[0] - 1) * g.strides[0] + (k[0] - 1) * g.dilations[0] + 1;
    int64_t needW = (out[1] - 1) * g.strides[1] + (k[1] - 1) * g.dilations[1] + 1;
    int64_t haveH = in[0] + 2 * g.padH + g.extraT + g.extraB, haveW = in[1] + 2 * g.padW + g.extraL + g.extraR;
    if (needH > haveH) g.extraB += needH - haveH;
    if (needW > haveW) g.extraR += needW - haveW;
  }
  return g;
}

T padUneven(const T& nchw, const Geometry& g, double value) {
  if (!g.uneven()) return nchw;
  return at::constant_pad_nd(nchw, {g.extraL, g.extraR, g.extraT, g.extraB}, value);
}

// Gradient w.r.t. an unevenly padded input -> gradient w.r.t. the input itself.
T cropUneven(const T& nchw, const Geometry& g, int64_t h, int64_t w) {
  if (!g.uneven()) return nchw;
  return at::narrow(at::narrow(nchw, 2, g.extraT, h), 3, g.extraL, w);
}

// tfjs filter [fh, fw, in, out] -> ATen weight [out, in, fh, fw]; depthwise
// [fh, fw, in, mult] -> [in * mult, 1, fh, fw].
// The ATen weight is a copy in the data's memory order (OIHW for plain NCHW, else
// channels_last): oneDNN took the permuted tfjs layout 1.6x (forward) to 2.7x (input
// gradient) slower for ResNet's 3x3x512x512 layers at 2x2 (PyTorch 1.13, same libtorch).
T convertWeight(const T& filter, bool depthwise) {
  if (!depthwise) return filter.permute({3, 2, 0, 1}).contiguous(planarConvolutions() ? at::MemoryFormat::Contiguous : at::MemoryFormat::ChannelsLast);
  return filter.permute({2, 3, 0, 1}).reshape({filter.size(2) * filter.size(3), 1, filter.size(0), filter.size(1)});
}

// The filter is input 1 of every kernel that converts one; converted once per filter tensor
// (a 3x3x512x512 filter takes 5-8 ms, ~5% of a ResNet-18 step at 16 px when done twice).
T weightOf(const KernelArgs& a, bool depthwise) {
  return a.derived(1, depthwise ? "depthwise weight" : planarConvolutions() ? "planar weight" : "weight", [&] { return convertWeight(a.in[1], depthwise); });
}

T filterOf(const T& weight, bool depthwise, at::IntArrayRef filterShape) {
  if (!depthwise) return weight.permute({2, 3, 1, 0});
  return weight.reshape({filterShape[2], filterShape[3], filterShape[0], filterShape[1]}).permute({2, 3, 0, 1});
}

T activate(const T& y, const KernelArgs& a, const T* prelu) {
  std::string act = a.has("activation") ? a.str("activation") : "linear";
  if (act == "linear") return y;
  if (act == "relu") return at::relu(y);
  if (act == "relu6") return at::clamp(y, 0, 6);
  if (act == "elu") return at::elu(y);
  if (act == "sigmoid") return at::sigmoid(y);
  if (act == "leakyrelu") return at::leaky_relu(y, a.has("leakyreluAlpha") ? a.num("leakyreluAlpha") : 0.2);
  if (act == "prelu" && prelu != nullptr) return at::where(y < 0, y * *prelu, y);
  a.fail("activation " + act + " is not supported");
}

Outs convForward(KernelArgs& a, bool depthwise, bool fused) {
  Geometry g = geometry(a);
  const T& x = a.in[0];
  bool hasBias = fused && a.flag("hasBias");
  bool hasPrelu = fused && a.flag("hasPrelu");
  int64_t groups = depthwise ? x.size(3) : 1;
  T w = weightOf(a, depthwise);
  c10::optional<T> bias;
  const T* preluWeights = hasPrelu ? &a.in[hasBias ? 3 : 2] : nullptr;
  bool biasInConv = false;
  if (hasBias && a.in[2].numel() == w.size(0)) {
    bias = a.in[2].reshape({w.size(0)});
    biasInConv = true;
  }
  T xin = padUneven(toNchw(x), g, 0.0);
  if (planarConvolutions()) xin = xin.contiguous();
  T y = toNhwc(at::convolution(xin, w, bias, g.strides, {g.padH, g.padW}, g.dilations, false, {0, 0}, groups));
  if (hasBias && !biasInConv) y = y + a.in[2];
  return Outs{fused ? activate(y, a, preluWeights) : y};
}

// dx: inputs dy, filter; attr inShape (NHWC).
Outs convBackpropInput(KernelArgs& a, bool depthwise) {
  Geometry g = geometry(a);
  T dy = toNchw(a.in[0]);
  if (planarConvolutions()) dy = dy.contiguous();
  std::vector<int64_t> s = a.ints("inShape");
  int64_t groups = depthwise ? s[3] : 1;
  T w = weightOf(a, depthwise);
  // Only the input's shape matters for dx: an uninitialised stand-in in dy's memory order.
  T standIn = at::empty({s[0], s[3], s[1] + g.extraT + g.extraB, s[2] + g.extraL + g.extraR},
                        dy.options().memory_format(planarConvolutions() ? at::MemoryFormat::Contiguous : at::MemoryFormat::ChannelsLast));
  auto grads = at::convolution_backward(dy, standIn, w, c10::nullopt, g.strides, {g.padH, g.padW}, g.dilations,
                                        false, {0, 0}, groups, {true, false, false});
  return Outs{toNhwc(cropUneven(std::get<0>(grads), g, s[1], s[2]))};
}

// dW of a 1x1 convolution without padding on an odd batch: the strided input pixels times
// dy, one matmul. oneDNN's weight gradient crashed here (SIGSEGV in libdnnl) for a 1x1
// stride-2 shortcut with an odd batch (3 or 5 Grad-CAM images); this path is exact and needs
// no oneDNN. Only odd batches take it: at::mm runs on the BLAS libtorch was built with
// (Debian's: generic), which made ResNet-50's 1x1 weight gradients 80% of its step.
bool isOddBatchPointwise(const Geometry& g, const std::vector<int64_t>& fs, bool depthwise, const T& x) {
  return !depthwise && x.size(0) % 2 == 1 && fs[0] == 1 && fs[1] == 1 && g.padH == 0 && g.padW == 0 &&
         !g.uneven() && g.dilations[0] == 1 && g.dilations[1] == 1;
}

T pointwiseFilterGrad(const T& x, const T& dyNhwc, const Geometry& g, const std::vector<int64_t>& fs) {
  int64_t ho = dyNhwc.size(1), wo = dyNhwc.size(2);
  T xs = x.slice(1, 0, (ho - 1) * g.strides[0] + 1, g.strides[0])
             .slice(2, 0, (wo - 1) * g.strides[1] + 1, g.strides[1]);
  T dw = at::mm(xs.reshape({-1, fs[2]}).t(), dyNhwc.reshape({-1, fs[3]}));
  return dw.reshape({1, 1, fs[2], fs[3]});
}

// dW when the output is tiny (ResNet's last stage at 16 px: 2x2): oneDNN's weight gradient
// runs 4x slower there than its forward convolution of the same work (850 vs 215 ms for
// 128x2x2x512, 3x3, measured with PyTorch 1.13 on the same libtorch). As a forward
// convolution: batch and channels swapped, x (batch = in channels, channels = N) correlated
// with dy (out channels = O, kernel = Ho x Wo, dilated by the stride); output [in, out, kh, kw].
// Strided, the forward form lost (35 ms for 128x4x4x256 -> 2x2x512) to oneDNN's weight
// gradient on plain NCHW copies (21 ms; 27 ms channels_last): those take that path.
constexpr int64_t kTinyOutputPixels = 4;

bool isTinyOutput(const Geometry& g, const std::vector<int64_t>& fs, bool depthwise, const T& dy) {
  return !depthwise && dy.size(1) * dy.size(2) <= kTinyOutputPixels && g.dilations[0] == 1 &&
         g.dilations[1] == 1 && (fs[0] > 1 || fs[1] > 1);
}

bool isUnitStride(const Geometry& g) { return g.strides[0] == 1 && g.strides[1] == 1; }

T tinyOutputFilterGrad(const T& x, const T& dyNhwc, const Geometry& g, const std::vector<int64_t>& fs) {
  T xin = at::constant_pad_nd(padUneven(toNchw(x), g, 0.0), {g.padW, g.padW, g.padH, g.padH}, 0.0);
  T input = xin.transpose(0, 1).contiguous();                  // [in, N, Hp, Wp]
  T kernel = toNchw(dyNhwc).transpose(0, 1).contiguous();       // [out, N, Ho, Wo]
  const std::vector<int64_t> unit{1, 1}, none{0, 0};
  T out = at::conv2d(input, kernel, c10::nullopt, unit, none, g.strides);  // [in, out, >= kh, >= kw]
  return out.narrow(2, 0, fs[0]).narrow(3, 0, fs[1]).permute({2, 3, 0, 1});  // [kh, kw, in, out]
}

// dW: inputs x, dy; attr filterShape (tfjs layout).
Outs convBackpropFilter(KernelArgs& a, bool depthwise) {
  Geometry g = geometry(a);
  const T& x = a.in[0];
  std::vector<int64_t> fs = a.ints("filterShape");
  if (isOddBatchPointwise(g, fs, depthwise, x)) return Outs{pointwiseFilterGrad(x, a.in[1], g, fs)};
  bool tiny = isTinyOutput(g, fs, depthwise, a.in[1]);
  if (tiny && isUnitStride(g)) return Outs{tinyOutputFilterGrad(x, a.in[1], g, fs)};
  T dy = toNchw(a.in[1]);
  int64_t groups = depthwise ? x.size(3) : 1;
  std::vector<int64_t> wShape = depthwise ? std::vector<int64_t>{fs[2] * fs[3], 1, fs[0], fs[1]}
                                          : std::vector<int64_t>{fs[3], fs[2], fs[0], fs[1]};
  T standIn = at::empty(wShape, x.options());
  T xin = padUneven(toNchw(x), g, 0.0);
  if (tiny || planarConvolutions()) {
    xin = xin.contiguous();
    dy = dy.contiguous();
  }
  auto grads = at::convolution_backward(dy, xin, standIn, c10::nullopt, g.strides, {g.padH, g.padW}, g.dilations,
                                        false, {0, 0}, groups, {false, true, false});
  return Outs{filterOf(std::get<1>(grads), depthwise, fs)};
}

std::vector<int64_t> kernelSize(const KernelArgs& a) { return a.ints("filterSize"); }

Outs maxPool(KernelArgs& a) {
  Geometry g = geometry(a);
  T xin = padUneven(toNchw(a.in[0]), g, -std::numeric_limits<double>::infinity());
  return Outs{toNhwc(at::max_pool2d(xin, kernelSize(a), g.strides, {g.padH, g.padW}, g.dilations, false))};
}

// inputs dy, x (the forward's input), y; the max positions are recomputed.
Outs maxPoolGrad(KernelArgs& a) {
  Geometry g = geometry(a);
  const T& x = a.in[1];
  T xin = padUneven(toNchw(x), g, -std::numeric_limits<double>::infinity());
  auto fwd = at::max_pool2d_with_indices(xin, kernelSize(a), g.strides, {g.padH, g.padW}, g.dilations, false);
  T dx = at::max_pool2d_with_indices_backward(toNchw(a.in[0]), xin, kernelSize(a), g.strides, {g.padH, g.padW},
                                              g.dilations, false, std::get<1>(fwd));
  return Outs{toNhwc(cropUneven(dx, g, x.size(1), x.size(2)))};
}

// tfjs averages over the window's cells inside the input (padding not counted). With an
// uneven pad: window sums over the zero-padded input, divided by the count of real cells.
T validCounts(const T& xin, const Geometry& g, const std::vector<int64_t>& k, int64_t h, int64_t w) {
  T ones = at::ones({1, 1, h, w}, xin.options().memory_format(at::MemoryFormat::Contiguous));
  T padded = padUneven(ones, g, 0.0);
  return at::avg_pool2d(padded, k, g.strides, {g.padH, g.padW}, false, true, 1);
}

Outs avgPool(KernelArgs& a) {
  Geometry g = geometry(a);
  std::vector<int64_t> k = kernelSize(a);
  const T& x = a.in[0];
  if (!g.uneven()) return Outs{toNhwc(at::avg_pool2d(toNchw(x), k, g.strides, {g.padH, g.padW}, false, false))};
  T xin = padUneven(toNchw(x), g, 0.0);
  T sums = at::avg_pool2d(xin, k, g.strides, {g.padH, g.padW}, false, true, 1);
  return Outs{toNhwc(sums / validCounts(xin, g, k, x.size(1), x.size(2)))};
}

// inputs dy, x. tfjs's AvgPoolGrad (cpu, wasm) spreads dy over the whole window, padding
// included (1 / (fh * fw)), although its forward divides by the real cells: the same here,
// so that training matches the other backends.
Outs avgPoolGrad(KernelArgs& a) {
  Geometry g = geometry(a);
  std::vector<int64_t> k = kernelSize(a);
  T dy = toNchw(a.in[0]);
  const T& x = a.in[1];
  T xin = padUneven(toNchw(x), g, 0.0);
  T dx = at::avg_pool2d_backward(dy, xin, k, g.strides, {g.padH, g.padW}, false, true, c10::nullopt);
  return Outs{toNhwc(cropUneven(dx, g, x.size(1), x.size(2)))};
}

// inputs x, mean, variance, then offset and scale where hasOffset / hasScale say so.
Outs fusedBatchNorm(KernelArgs& a) {
  const T& x = a.in[0];
  size_t next = 3;
  c10::optional<T> offset, scale;
  if (a.flag("hasOffset")) offset = a.in[next++];
  if (a.flag("hasScale")) scale = a.in[next++];
  double eps = a.has("varianceEpsilon") ? a.num("varianceEpsilon") : 0.001;
  int64_t c = x.size(-1);
  // Over NCHW memory with per-channel statistics: ATen's inference batch norm (one pass in
  // that order; the broadcast addcmul below ran 1.5x slower across channel planes).
  if (x.dim() == 4 && !x.is_contiguous() && a.in[1].numel() == c && a.in[2].numel() == c &&
      (!scale || scale->numel() == c) && (!offset || offset->numel() == c)) {
    auto flat = [c](const c10::optional<T>& t) { return t ? c10::optional<T>(t->reshape({c})) : c10::nullopt; };
    auto out = at::native_batch_norm(toNchw(x), flat(scale), flat(offset), a.in[1].reshape({c}), a.in[2].reshape({c}),
                                     false, 0.0, eps);
    return Outs{toNhwc(std::get<0>(out))};
  }
  T factor = at::rsqrt(a.in[2] + eps);
  if (scale) factor = factor * *scale;
  T shift = -a.in[1] * factor;
  if (offset) shift = shift + *offset;
  return Outs{at::addcmul(shift, x, factor)};
}

T matmul3(const T& a, const T& b, bool ta, bool tb) {
  return at::matmul(ta ? a.transpose(-1, -2) : a, tb ? b.transpose(-1, -2) : b);
}

Outs batchMatMul(KernelArgs& a) {
  if (a.in[0].dim() < 2 || a.in[1].dim() < 2) a.fail("both inputs must be at least rank 2");
  return Outs{matmul3(a.in[0], a.in[1], a.flag("transposeA"), a.flag("transposeB"))};
}

Outs fusedMatMul(KernelArgs& a) {
  bool hasBias = a.flag("hasBias");
  T y = matmul3(a.in[0], a.in[1], a.flag("transposeA"), a.flag("transposeB"));
  if (hasBias) y.add_(a.in[2]);
  const T* prelu = a.flag("hasPrelu") ? &a.in[hasBias ? 3 : 2] : nullptr;
  return Outs{activate(y, a, prelu)};
}

// Source coordinates of tfjs's bilinear resize (alignCorners, halfPixelCenters) along one
// axis: lower and upper neighbour and the weight of the upper one.
struct Axis { T lo, hi, frac; };

Axis resizeAxis(int64_t in, int64_t out, bool alignCorners, bool halfPixel, const at::TensorOptions& opts) {
  double ratio = (alignCorners && out > 1) ? static_cast<double>(in - 1) / (out - 1) : static_cast<double>(in) / out;
  T pos = at::arange(out, opts.dtype(at::kDouble));
  T src = halfPixel ? (pos + 0.5) * ratio - 0.5 : pos * ratio;
  T lo = at::clamp_min(at::floor(src), 0);
  T hi = at::clamp_max(at::ceil(src), in - 1);
  return {lo.to(at::kLong), hi.to(at::kLong), (src - lo).to(at::kFloat)};
}

Outs resizeBilinear(KernelArgs& a) {
  const T& x = a.in[0];  // [N, H, W, C]
  std::vector<int64_t> size = a.ints("size");
  bool ac = a.flag("alignCorners"), hp = a.flag("halfPixelCenters");
  Axis ry = resizeAxis(x.size(1), size[0], ac, hp, x.options());
  Axis rx = resizeAxis(x.size(2), size[1], ac, hp, x.options());
  T xf = x.is_floating_point() ? x : x.to(at::kFloat);
  T top = at::index_select(xf, 1, ry.lo), bottom = at::index_select(xf, 1, ry.hi);
  T fy = ry.frac.view({1, -1, 1, 1}), fx = rx.frac.view({1, 1, -1, 1});
  T rows = at::lerp(top, bottom, fy);
  T left = at::index_select(rows, 2, rx.lo), right = at::index_select(rows, 2, rx.hi);
  return Outs{at::lerp(left, right, fx)};
}

// inputs images, dy: the transpose of the resize (scatter-adds along W, then H). tfjs's
// own gradient (cpu, wasm) ignores halfPixelCenters; so does this one, to train the same.
Outs resizeBilinearGrad(KernelArgs& a) {
  const T& x = a.in[0];
  const T& dy = a.in[1];
  bool ac = a.flag("alignCorners"), hp = false;
  Axis ry = resizeAxis(x.size(1), dy.size(1), ac, hp, dy.options());
  Axis rx = resizeAxis(x.size(2), dy.size(2), ac, hp, dy.options());
  T fx = rx.frac.view({1, 1, -1, 1}), fy = ry.frac.view({1, -1, 1, 1});
  T cols = at::zeros({dy.size(0), dy.size(1), x.size(2), dy.size(3)}, dy.options());
  cols.index_add_(2, rx.lo, dy * (1 - fx));
  cols.index_add_(2, rx.hi, dy * fx);
  T dx = at::zeros({dy.size(0), x.size(1), x.size(2), dy.size(3)}, dy.options());
  dx.index_add_(1, ry.lo, cols * (1 - fy));
  dx.index_add_(1, ry.hi, cols * fy);
  return Outs{dx};
}

}  // namespace

void registerNnKernels() {
  registerKernel("Conv2D", [](KernelArgs& a) { return convForward(a, false, false); });
  registerKernel("FusedConv2D", [](KernelArgs& a) { return convForward(a, false, true); });
  registerKernel("DepthwiseConv2dNative", [](KernelArgs& a) { return convForward(a, true, false); });
  registerKernel("FusedDepthwiseConv2D", [](KernelArgs& a) { return convForward(a, true, true); });
  registerKernel("Conv2DBackpropInput", [](KernelArgs& a) { return convBackpropInput(a, false); });
  registerKernel("DepthwiseConv2dNativeBackpropInput", [](KernelArgs& a) { return convBackpropInput(a, true); });
  registerKernel("Conv2DBackpropFilter", [](KernelArgs& a) { return convBackpropFilter(a, false); });
  registerKernel("DepthwiseConv2dNativeBackpropFilter", [](KernelArgs& a) { return convBackpropFilter(a, true); });
  registerKernel("MaxPool", maxPool);
  registerKernel("MaxPoolGrad", maxPoolGrad);
  registerKernel("AvgPool", avgPool);
  registerKernel("AvgPoolGrad", avgPoolGrad);
  registerKernel("FusedBatchNorm", fusedBatchNorm);
  registerKernel("BatchMatMul", batchMatMul);
  registerKernel("_FusedMatMul", fusedMatMul);
  registerKernel("ResizeBilinear", resizeBilinear);
  registerKernel("ResizeBilinearGrad", resizeBilinearGrad);
}

}  // namespace scalenet
