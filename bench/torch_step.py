"""One PyTorch eager training step per line read on stdin; prints each step's seconds.

The same ResNet, optimizer and batch as bench/torch_reference.py (CIFAR stem, SGD momentum,
weight decay, flush-denormal on). Driven by bench/torchInterleaved.ts, which alternates its
steps with the torch backend's so that both see the same load on a shared machine.
Usage: python3 bench/torch_step.py DEPTH SIZE THREADS
"""

import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(__file__))
from torch_reference import training_step  # noqa: E402


def main():
    depth, size, threads = (int(v) for v in sys.argv[1:4])
    torch.set_num_threads(threads)
    torch.set_flush_denormal(True)
    step = training_step(depth, size, 128)
    for _ in sys.stdin:
        t = time.perf_counter()
        step()
        print(time.perf_counter() - t, flush=True)


if __name__ == "__main__":
    main()
