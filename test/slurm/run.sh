#!/usr/bin/env bash
# The Slurm suite (test/slurm/*.test.ts) on a real one-node cluster that this script
# starts and stops (cluster.sh). Without Debian's slurm-wlm and munge it says "skipped"
# and why, unless SCALENET_SLURM_REQUIRED=1 (CI), which makes that a failure.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."

missing=""
for tool in munged slurmctld slurmd sbatch squeue scontrol; do
  command -v "$tool" >/dev/null || missing="${missing:+$missing, }$tool"
done
if [ -n "$missing" ] || [ "$(id -u)" != 0 ]; then
  why="${missing:+$missing missing (apt-get install -y slurm-wlm munge)}"
  [ "$(id -u)" != 0 ] && why="${why:+$why; }the test cluster runs its daemons as root"
  if [ "${SCALENET_SLURM_REQUIRED:-0}" = "1" ]; then
    echo "slurm: FAILED: $why" >&2
    exit 1
  fi
  echo "slurm: skipped ($why)"
  exit 0
fi

# The suite tests scheduling (arrays, scancel, time limits, resubmission), not speed: its
# time-limit case is sized for the WebAssembly backend's speed, so it runs on wasm unless
# told otherwise (on torch the "long" run ends before its limit).
export SCALENET_BACKEND="${SCALENET_BACKEND:-wasm}"
start=$(date +%s)
test/slurm/cluster.sh start || { echo "slurm: FAILED: the test cluster did not start" >&2; exit 1; }
node --import tsx --test --test-concurrency=1 test/slurm/*.test.ts
status=$?
test/slurm/cluster.sh stop
echo "slurm: $([ $status -eq 0 ] && echo passed || echo FAILED) in $(($(date +%s) - start)) s"
exit $status
