#!/usr/bin/env bash
# The torch backend's own suites: tfjs-core's op tests on `torch`, then the integration
# tests (real sidecar) on `torch`. Without a built addon (no libtorch or compiler at
# npm ci) it says "skipped" and why, unless SCALENET_REQUIRE_TORCH=1 (CI): then a failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
addon="${SCALENET_TORCH_ADDON:-build/Release/scalenet_torch.node}"
if [ ! -f "$addon" ]; then
  if [ "${SCALENET_REQUIRE_TORCH:-0}" = "1" ]; then
    echo "torch: FAILED: $addon is not built (npm run build:native says why)" >&2
    exit 1
  fi
  echo "torch: skipped ($addon not built: npm run build:native says why)"
  exit 0
fi
node test/torch/tfjs-core-suite.mjs || exit 1
SCALENET_BACKEND=torch SCALENET_REQUIRE_TORCH=1 node --import tsx --test --test-concurrency=1 \
  test/integration/sidecar.test.ts test/integration/resume.test.ts \
  test/integration/simclr.test.ts
