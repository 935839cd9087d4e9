// Reductions (tfjs axis semantics: absent = all axes, [] = none), arg-reductions,
// softmax, cumulative sums and TopK.
#include "common.h"

#include <ATen/Parallel.h>

#include <mutex>

namespace scalenet {
namespace {

using T = at::Tensor;
using Outs = std::vector<at::Tensor>;

// tfjs names the axis attr `axis` for most reductions and `reductionIndices` for Max.
std::vector<int64_t> axesOf(const KernelArgs& a, const T& x, const char* key) {
  std::vector<int64_t> axes;
  if (!a.has(key)) {
    for (int64_t i = 0; i < x.dim(); i++) axes.push_back(i);
    return axes;
  }
  for (int64_t ax : a.ints(key)) axes.push_back(ax < 0 ? ax + x.dim() : ax);
  return axes;
}

using Reducer = std::function<T(const T&, at::IntArrayRef, bool)>;

void reduction(const char* name, const char* axisKey, Reducer f) {
  registerKernel(name, [f, axisKey](KernelArgs& a) {
    const T& x = a.in[0];
    std::vector<int64_t> axes = axesOf(a, x, axisKey);
    bool keep = a.flag("keepDims");
    // Reducing over no axis is the identity; reducing a scalar too.
    if (axes.empty() || x.dim() == 0) return Outs{x.clone()};
    return Outs{f(x, axes, keep)};
  });
}

T asFloat(const T& x) { return x.is_floating_point() ? x : x.to(at::kFloat); }

int64_t axisOf(const KernelArgs& a, const T& x, const char* key) {
  std::vector<int64_t> v = a.ints(key);
  int64_t ax = v.empty() ? 0 : v[0];
  return ax < 0 ? ax + x.dim() : ax;
}

// Per-channel sums over the rows of a contiguous [rows, c] float block: in float over
// short runs of rows (fast, vectorised), added up in double (accurate over 10^5 rows).
template <typename Term>
std::vector<double> channelSums(const float* p, int64_t rows, int64_t c, Term term) {
  std::vector<double> total(c, 0.0);
  std::mutex mu;
  at::parallel_for(0, rows, 4096, [&](int64_t begin, int64_t end) {
    std::vector<double> local(c, 0.0);
    std::vector<float> run(c);
    for (int64_t r0 = begin; r0 < end; r0 += 256) {
      std::fill(run.begin(), run.end(), 0.0f);
      int64_t r1 = std::min(end, r0 + 256);
      for (int64_t r = r0; r < r1; r++) {
        const float* row = p + r * c;
        for (int64_t k = 0; k < c; k++) run[k] += term(row[k], k);
      }
      for (int64_t k = 0; k < c; k++) local[k] += run[k];
    }
    std::lock_guard<std::mutex> lock(mu);
    for (int64_t k = 0; k < c; k++) total[k] += local[k];
  });
  return total;
}

// input x (rank >= 2, channels last) -> mean and population variance per channel, over
// every other axis: what tfjs's moments computes as mean, x - mean, square and mean
// (four passes, two full-size temporaries), here two passes and no temporary.
Outs moments(KernelArgs& a) {
  const T& in = a.in[0];
  if (in.dim() < 2) a.fail("x must be at least rank 2");
  int64_t c = in.size(-1);
  if (in.scalar_type() != at::kFloat || !in.device().is_cpu()) {
    T rows = asFloat(in).reshape({-1, c});
    T mean = rows.mean(0);
    return Outs{mean, (rows - mean).square().mean(0)};
  }
  if (in.dim() == 4 && !in.is_contiguous()) {
    // Over NCHW memory (a convolution's output): ATen's batch-norm statistics, per channel.
    auto stats = at::batch_norm_update_stats(toNchw(in), c10::nullopt, c10::nullopt, 0.0);
    return Outs{std::get<0>(stats), std::get<1>(stats)};
  }
  T x = in.contiguous();
  int64_t rows = x.numel() / c;
  const float* p = x.data_ptr<float>();
  std::vector<double> sums = channelSums(p, rows, c, [](float v, int64_t) { return v; });
  T mean = at::empty({c}, x.options());
  float* m = mean.data_ptr<float>();
  for (int64_t k = 0; k < c; k++) m[k] = static_cast<float>(sums[k] / static_cast<double>(rows));
  std::vector<double> squares = channelSums(p, rows, c, [m](float v, int64_t k) {
    float d = v - m[k];
    return d * d;
  });
  T var = at::empty({c}, x.options());
  float* v = var.data_ptr<float>();
  for (int64_t k = 0; k < c; k++) v[k] = static_cast<float>(squares[k] / static_cast<double>(rows));
  return Outs{mean, var};
}

}  // namespace

void registerReduceKernels() {
  registerKernel("TorchMoments", moments);
  reduction("Sum", "axis", [](const T& x, at::IntArrayRef ax, bool k) {
    if (isZeroBroadcast(x)) {
      std::vector<int64_t> shape;
      for (int64_t d = 0; d < x.dim(); d++) {
        bool reduced = std::find(ax.begin(), ax.end(), d) != ax.end();
        if (!reduced) shape.push_back(x.size(d));
        else if (k) shape.push_back(1);
      }
      return shape.empty() ? at::zeros({}, x.options()) : zeroBroadcast(shape, x.options());
    }
    return at::sum(x.scalar_type() == at::kBool ? x.to(at::kInt) : x, ax, k);
  });
  reduction("Mean", "axis", [](const T& x, at::IntArrayRef ax, bool k) { return at::mean(asFloat(x), ax, k); });
  reduction("Max", "reductionIndices", [](const T& x, at::IntArrayRef ax, bool k) { return at::amax(x, ax, k); });
  reduction("Min", "axis", [](const T& x, at::IntArrayRef ax, bool k) { return at::amin(x, ax, k); });
  reduction("Prod", "axis", [](const T& x, at::IntArrayRef ax, bool k) {
    T y = x.scalar_type() == at::kBool ? x.to(at::kInt) : x;
    // Highest axis first keeps the remaining axes' indices valid without keepDims.
    std::vector<int64_t> sorted(ax.begin(), ax.end());
    std::sort(sorted.rbegin(), sorted.rend());
    for (int64_t d : sorted) y = at::prod(y, d, k);
    return y;
  });
  reduction("All", "axis", [](const T& x, at::IntArrayRef ax, bool k) {
    T y = x.to(at::kBool);
    std::vector<int64_t> sorted(ax.begin(), ax.end());
    std::sort(sorted.rbegin(), sorted.rend());
    for (int64_t d : sorted) y = at::all(y, d, k);
    return y;
  });
  reduction("Any", "axis", [](const T& x, at::IntArrayRef ax, bool k) {
    T y = x.to(at::kBool);
    std::vector<int64_t> sorted(ax.begin(), ax.end());
    std::sort(sorted.rbegin(), sorted.rend());
    for (int64_t d : sorted) y = at::any(y, d, k);
    return y;
  });
  registerKernel("ArgMax", [](KernelArgs& a) {
    const T& x = a.in[0];
    T v = x.scalar_type() == at::kBool ? x.to(at::kInt) : x;
    return Outs{at::argmax(v, axisOf(a, x, "axis"), false).to(at::kInt)};
  });
  registerKernel("ArgMin", [](KernelArgs& a) {
    const T& x = a.in[0];
    T v = x.scalar_type() == at::kBool ? x.to(at::kInt) : x;
    return Outs{at::argmin(v, axisOf(a, x, "axis"), false).to(at::kInt)};
  });
  registerKernel("Softmax", [](KernelArgs& a) {
    const T& x = a.in[0];
    int64_t dim = a.has("dim") ? a.integer("dim") : -1;
    return Outs{at::softmax(asFloat(x), dim < 0 ? dim + x.dim() : dim)};
  });
  registerKernel("LogSoftmax", [](KernelArgs& a) {
    const T& x = a.in[0];
    int64_t dim = a.has("axis") ? a.integer("axis") : -1;
    return Outs{at::log_softmax(asFloat(x), dim < 0 ? dim + x.dim() : dim)};
  });
  auto cumulative = [](bool product) {
    return [product](KernelArgs& a) {
      T x = a.in[0];
      int64_t ax = axisOf(a, x, "axis");
      bool exclusive = a.flag("exclusive");
      bool reverse = a.flag("reverse");
      if (reverse) x = at::flip(x, {ax});
      T y = product ? at::cumprod(x, ax) : at::cumsum(x, ax);
      if (exclusive) {
        // Shift by one along ax, the first element becoming the identity (0 or 1).
        T first = product ? at::ones_like(at::narrow(y, ax, 0, 1)) : at::zeros_like(at::narrow(y, ax, 0, 1));
        y = at::cat({first, at::narrow(y, ax, 0, y.size(ax) - 1)}, ax);
      }
      if (reverse) y = at::flip(y, {ax});
      if (y.scalar_type() != a.in[0].scalar_type() && a.in[0].scalar_type() != at::kBool) y = y.to(a.in[0].scalar_type());
      return Outs{y};
    };
  };
  registerKernel("Cumsum", cumulative(false));
  registerKernel("Cumprod", cumulative(true));
  // Stable sort: on ties the lower index comes first, as tfjs's TopK.
  registerKernel("TopK", [](KernelArgs& a) {
    const T& x = a.in[0];
    int64_t k = a.integer("k");
    auto sorted = at::sort(x, /*stable=*/true, /*dim=*/-1, /*descending=*/true);
    T values = at::narrow(std::get<0>(sorted), -1, 0, k);
    T indices = at::narrow(std::get<1>(sorted), -1, 0, k).to(at::kInt);
    return Outs{values, indices};
  });
}

}  // namespace scalenet
