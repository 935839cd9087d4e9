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
from torch import nn

sys.path.insert(0, os.path.dirname(__file__))
from torch_reference import resnet_cifar  # noqa: E402


def main():
    depth, size, threads = (int(v) for v in sys.argv[1:4])
    torch.set_num_threads(threads)
    torch.set_flush_denormal(True)
    torch.manual_seed(1)
    batch = 128
    model = resnet_cifar(depth).train()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.randn(batch, 3, size, size)
    y = torch.arange(batch) % 4
    for _ in sys.stdin:
        t = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        loss.item()
        print(time.perf_counter() - t, flush=True)


if __name__ == "__main__":
    main()
