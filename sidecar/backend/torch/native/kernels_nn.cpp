#include "common.h"

namespace scalenet {

void registerNnKernels() {}

}  // namespace scalenet
