#include "common.h"

namespace scalenet {

void registerReduceKernels() {}

}  // namespace scalenet
