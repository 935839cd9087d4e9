#include "common.h"

namespace scalenet {

void registerElementwiseKernels() {
  registerKernel("Add", [](KernelArgs& a) { return std::vector<at::Tensor>{at::add(a.in[0], a.in[1])}; });
}

}  // namespace scalenet
