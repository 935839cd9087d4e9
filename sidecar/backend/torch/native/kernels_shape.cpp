// Data movement: Transpose, Slice, strided slices (dense form prepared in JS), Concat,
// Pack/Unpack, Pad, Gather, OneHot, Tile, Reverse, Fill, Range, BroadcastTo, SplitV.
#include "common.h"

namespace scalenet {
namespace {

using T = at::Tensor;
using Outs = std::vector<at::Tensor>;

at::ScalarType dtypeAttr(const KernelArgs& a, at::ScalarType fallback) {
  if (!a.has("dtype")) return fallback;
  std::string d = a.str("dtype");
  if (d == "float32") return at::kFloat;
  if (d == "int32") return at::kInt;
  if (d == "bool") return at::kBool;
  a.fail("dtype " + d + " is not supported (float32, int32, bool)");
}

int64_t normAxis(int64_t ax, int64_t rank) { return ax < 0 ? ax + rank : ax; }

}  // namespace

void registerShapeKernels() {
  registerKernel("Transpose", [](KernelArgs& a) { return Outs{a.in[0].permute(a.ints("perm"))}; });

  // begin/size padded to the rank: missing begin = 0, size -1 = to the end.
  registerKernel("Slice", [](KernelArgs& a) {
    T x = a.in[0];
    std::vector<int64_t> begin = a.ints("begin");
    std::vector<int64_t> size = a.ints("size");
    for (int64_t d = 0; d < x.dim(); d++) {
      int64_t b = d < static_cast<int64_t>(begin.size()) ? begin[d] : 0;
      int64_t s = d < static_cast<int64_t>(size.size()) ? size[d] : -1;
      if (s < 0) s = x.size(d) - b;
      if (b < 0) a.fail("slice() does not support negative begin indexing.");
      if (b + s > x.size(d)) {
        a.fail("begin " + std::to_string(b) + " and size " + std::to_string(s) + " are outside dimension " +
               std::to_string(d) + " of size " + std::to_string(x.size(d)));
      }
      x = at::narrow(x, d, b, s);
    }
    return Outs{x};
  });

  // begin/strides/sizes are dense and normalised in JS (slice_util.sliceInfo); negative
  // strides included, hence index_select rather than torch's positive-step slicing.
  registerKernel("StridedSliceDense", [](KernelArgs& a) {
    T x = a.in[0];
    std::vector<int64_t> begin = a.ints("begin"), strides = a.ints("strides"), sizes = a.ints("sizes");
    if (static_cast<int64_t>(sizes.size()) != x.dim() || static_cast<int64_t>(begin.size()) != x.dim()) {
      a.fail("the dense slice spec does not match the input's rank");
    }
    for (int64_t d = 0; d < x.dim(); d++) {
      if (strides[d] == 1) {
        x = at::narrow(x, d, begin[d], sizes[d]);
        continue;
      }
      T idx = at::arange(sizes[d], at::TensorOptions().dtype(at::kLong).device(x.device())) * strides[d] + begin[d];
      x = at::index_select(x, d, idx);
    }
    return Outs{x};
  });

  registerKernel("Concat", [](KernelArgs& a) {
    int64_t ax = normAxis(a.integer("axis"), a.in[0].dim());
    return Outs{at::cat(a.in, ax)};
  });
  registerKernel("Pack", [](KernelArgs& a) {
    for (const T& t : a.in) {
      if (t.scalar_type() != a.in[0].scalar_type()) a.fail("all tensors passed to stack must have matching dtypes");
    }
    int64_t ax = normAxis(a.integer("axis"), a.in[0].dim() + 1);
    return Outs{at::stack(a.in, ax)};
  });
  registerKernel("Unpack", [](KernelArgs& a) {
    const T& x = a.in[0];
    std::vector<T> parts = at::unbind(x, normAxis(a.integer("axis"), x.dim()));
    return Outs(parts.begin(), parts.end());
  });
  // sizes computed in JS (backend_util.prepareSplitSize).
  registerKernel("SplitV", [](KernelArgs& a) {
    const T& x = a.in[0];
    std::vector<T> parts = at::split_with_sizes(x, a.ints("sizes"), normAxis(a.integer("axis"), x.dim()));
    return Outs(parts.begin(), parts.end());
  });

  // paddings arrives flattened [before0, after0, before1, after1, ...] from JS.
  registerKernel("PadV2", [](KernelArgs& a) {
    const T& x = a.in[0];
    std::vector<int64_t> flat = a.ints("paddingsFlat");
    std::vector<int64_t> pad;
    for (int64_t d = x.dim() - 1; d >= 0; d--) {
      pad.push_back(flat[2 * d]);
      pad.push_back(flat[2 * d + 1]);
    }
    return Outs{at::constant_pad_nd(x, pad, a.num("constantValue"))};
  });

  // x viewed as [batch, outer, dimSize, slice] and indices as [batch, n] in JS
  // (segment_util.collectGatherOpShapeInfo); the result is reshaped there.
  registerKernel("GatherV2", [](KernelArgs& a) {
    const T& x = a.in[0];
    T idx = a.in[1].to(at::kLong);
    if (idx.numel() > 0) {
      int64_t lo = idx.min().item<int64_t>(), hi = idx.max().item<int64_t>();
      int64_t bad = lo < 0 ? lo : hi;
      if (lo < 0 || hi >= x.size(2)) {
        a.fail("GatherV2: the index value " + std::to_string(bad) + " is not in [0, " + std::to_string(x.size(2) - 1) + "]");
      }
    }
    if (x.size(0) == 1) return Outs{at::index_select(x, 2, idx.view({-1}))};
    T expanded = idx.view({x.size(0), 1, idx.size(1), 1}).expand({x.size(0), x.size(1), idx.size(1), x.size(3)});
    return Outs{at::gather(x, 2, expanded)};
  });

  // Out-of-range indices give a row of offValue, as tfjs.
  registerKernel("OneHot", [](KernelArgs& a) {
    const T& indices = a.in[0];
    int64_t depth = a.integer("depth");
    at::ScalarType dt = dtypeAttr(a, at::kInt);
    T range = at::arange(depth, indices.options().dtype(at::kLong));
    T hit = at::eq(indices.to(at::kLong).unsqueeze(-1), range);
    T on = at::scalar_tensor(a.num("onValue"), hit.options().dtype(dt));
    T off = at::scalar_tensor(a.num("offValue"), hit.options().dtype(dt));
    return Outs{at::where(hit, on, off)};
  });

  registerKernel("Tile", [](KernelArgs& a) { return Outs{a.in[0].repeat(a.ints("reps"))}; });

  registerKernel("Reverse", [](KernelArgs& a) {
    const T& x = a.in[0];
    std::vector<int64_t> dims;
    for (int64_t d : a.ints("dims")) dims.push_back(normAxis(d, x.dim()));
    // No dims given: reverse every axis, as tfjs.
    if (!a.has("dims")) for (int64_t d = 0; d < x.dim(); d++) dims.push_back(d);
    if (dims.empty() || x.dim() == 0) return Outs{x.clone()};
    return Outs{at::flip(x, dims)};
  });

  registerKernel("Fill", [](KernelArgs& a) {
    at::ScalarType dt = dtypeAttr(a, at::kFloat);
    return Outs{at::full(a.ints("shape"), a.num("value"), at::TensorOptions().dtype(dt).device(currentDevice()))};
  });

  // tfjs gives an empty range where torch would refuse a step of the wrong sign.
  registerKernel("Range", [](KernelArgs& a) {
    double start = a.num("start"), stop = a.num("stop"), step = a.num("step");
    // tfjs counts down with the default step when stop < start.
    if (stop < start && step == 1) step = -1;
    at::ScalarType dt = dtypeAttr(a, at::kFloat);
    auto opts = at::TensorOptions().dtype(dt).device(currentDevice());
    if (step == 0 || (stop - start) / step <= 0) return Outs{at::empty({0}, opts)};
    int64_t n = static_cast<int64_t>(std::ceil((stop - start) / step));
    T i = at::arange(n, opts.dtype(at::kDouble));
    return Outs{(i * step + start).to(dt)};
  });

  registerKernel("BroadcastTo", [](KernelArgs& a) { return Outs{a.in[0].expand(a.ints("shape"))}; });

  // Segment ids outside [0, numSegments) are dropped, as tfjs.
  registerKernel("UnsortedSegmentSum", [](KernelArgs& a) {
    const T& x = a.in[0];
    T ids = a.in[1].to(at::kLong).reshape({-1});
    int64_t n = a.integer("numSegments");
    std::vector<int64_t> outShape{n};
    for (int64_t d = a.in[1].dim(); d < x.dim(); d++) outShape.push_back(x.size(d));
    T rows = x.reshape({ids.size(0), -1});
    T keep = (ids >= 0).logical_and(ids < n);
    T out = at::zeros({n, rows.size(1)}, x.options());
    T picked = keep.nonzero().view({-1});
    out.index_add_(0, ids.index_select(0, picked), rows.index_select(0, picked));
    return Outs{out.view(outShape)};
  });

  registerKernel("LinSpace", [](KernelArgs& a) {
    auto opts = at::TensorOptions().dtype(at::kFloat).device(currentDevice());
    return Outs{at::linspace(a.num("start"), a.num("stop"), a.integer("num"), opts)};
  });
}

}  // namespace scalenet
