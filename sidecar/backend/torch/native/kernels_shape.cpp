#include "common.h"

namespace scalenet {

void registerShapeKernels() {}

}  // namespace scalenet
