#!/usr/bin/env bash
# The e2e suites (host, ui, panels, trust) when test/e2e is installed; a clear
# "skipped" line when it is not, unless SCALENET_E2E_REQUIRED=1 (CI), which makes a
# missing install a failure instead. Packages the extension once for both suites.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
chromium="${SCALENET_E2E_CHROMIUM:-/usr/bin/chromium}"

missing=""
[ -d "$here/node_modules/code-server" ] && [ -d "$here/node_modules/playwright-core" ] ||
  missing="node_modules"
[ -x "$chromium" ] || missing="${missing:+$missing, }$chromium"
if [ -n "$missing" ]; then
  if [ "${SCALENET_E2E_REQUIRED:-0}" = "1" ]; then
    echo "e2e: FAILED: not installed ($missing missing; run test/e2e/install.sh)" >&2
    exit 1
  fi
  echo "e2e: skipped (run test/e2e/install.sh)"
  exit 0
fi

start=$(date +%s)
if ! package_log="$(cd "$root" && npm run package 2>&1)"; then
  echo "$package_log" >&2
  echo "e2e: FAILED: npm run package" >&2
  exit 1
fi
export SCALENET_E2E_VSIX="$root/scalenet.vsix"

cd "$here"
# The webview panels in plain Chromium (test/webview) use the same browser install.
node --import tsx --test --test-concurrency=1 host.test.mjs ui.test.mjs panels.test.mjs trust.test.mjs ../webview/*.test.ts
status=$?
echo "e2e: $([ $status -eq 0 ] && echo passed || echo FAILED) in $(($(date +%s) - start)) s (screenshots in test/e2e/artifacts/)"
exit $status
