#!/usr/bin/env bash
# UNTESTED: no GPU machine was at hand when this was written (issue 11). It is the one
# prepared script for a CUDA machine: build the torch addon against the PyTorch installed
# there (torch 2.x with CUDA: its torch/include and torch/lib are a CUDA libtorch), then
# time ResNet-18 32x32 batch 128 on the torch backend on CUDA beside PyTorch CUDA eager.
# Goal (issue 11): torch backend >= 0.7x PyTorch CUDA. Should finish in a few minutes.
#   bench/gpu-check.sh            (from the repository root, after npm ci)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${SCALENET_PYTHON:-python3}
TORCH_DIR=$("$PYTHON" -c 'import os, torch; print(os.path.dirname(torch.__file__))')
"$PYTHON" -c 'import torch; assert torch.cuda.is_available(), "no CUDA device visible to PyTorch"'
echo "== PyTorch at $TORCH_DIR; building the addon against it"
SCALENET_LIBTORCH="$TORCH_DIR" npm run build:native
npm run build
echo "== PyTorch CUDA eager, ResNet-18 32x32, batch 128"
"$PYTHON" bench/torch_reference.py --cases 18:32 --batch 128 --warmup 2 --steps 10 --device cuda
echo "== torch backend on CUDA, same case"
SCALENET_LIBTORCH="$TORCH_DIR" SCALENET_TORCH_DEVICE=cuda \
  node --import tsx bench/train-throughput.ts --backends torch --only r18-32 --steps-scale 5
