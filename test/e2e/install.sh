#!/usr/bin/env bash
# Installs what the e2e suite needs, idempotently: Debian's chromium, the headers
# code-server's native modules build against, ripgrep (whose binary stands in for the
# one @vscode/ripgrep would download from GitHub), then `npm ci` here.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
for pkg in chromium libkrb5-dev ripgrep; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "e2e install: apt-get install ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# @vscode/ripgrep's postinstall downloads rg unless this cache file exists.
cache_dir="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
tarball="$cache_dir/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -s "$tarball" ]; then
  mkdir -p "$cache_dir"
  staging="$(mktemp -d)"
  cp /usr/bin/rg "$staging/rg"
  tar -czf "$tarball" -C "$staging" rg
  rm -rf "$staging"
fi

# Skip npm ci when node_modules already matches the lock file.
stamp=node_modules/.install-stamp
if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then
  echo "e2e install: node_modules up to date"
else
  npm ci --no-audit --no-fund
  cp package-lock.json "$stamp"
fi
