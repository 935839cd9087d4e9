"""PyTorch CPU reference for bench/train-throughput.ts (not a dependency of the product).

Same network as sidecar/models/resnet.ts buildResNet(blocks [2,2,2,2], widths
[64,128,256,512], classes 4): CIFAR stem (3x3 conv, stride 1, no max-pool), basic blocks
with a 1x1 conv + BN projection where the shape changes, global average pooling, a dense
head; SGD momentum 0.9, weight decay 5e-4, cross-entropy over 4 classes; 2 threads.
Prints one JSON line per size: {"size", "batch", "imagesPerSecond", "seconds", ...}.

Usage: python3 bench/torch_reference.py --sizes 32,16 --batch 128 --warmup 1 --steps 4,10
"""

import argparse
import json
import statistics
import time

import torch
from torch import nn


def conv_bn(cin, cout, k, stride):
    return [
        nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, bias=False),
        # momentum 0.1 in PyTorch's convention = 0.9 in Keras/tfjs's.
        nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1),
    ]


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.a = nn.Sequential(*conv_bn(cin, cout, 3, stride), nn.ReLU(inplace=True))
        self.b = nn.Sequential(*conv_bn(cout, cout, 3, 1))
        self.proj = (
            nn.Sequential(*conv_bn(cin, cout, 1, stride))
            if stride != 1 or cin != cout
            else nn.Identity()
        )

    def forward(self, x):
        return torch.relu(self.b(self.a(x)) + self.proj(x))


def resnet18_cifar(classes=4):
    widths = [64, 128, 256, 512]
    layers = [*conv_bn(3, widths[0], 3, 1), nn.ReLU(inplace=True)]
    cin = widths[0]
    for stage, width in enumerate(widths):
        for block in range(2):
            stride = 2 if stage > 0 and block == 0 else 1
            layers.append(BasicBlock(cin, width, stride))
            cin = width
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, classes)]
    return nn.Sequential(*layers)


def measure(size, batch, warmup, steps):
    torch.manual_seed(1)
    model = resnet18_cifar().train()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.randn(batch, 3, size, size)
    y = torch.arange(batch) % 4
    seconds = []
    for i in range(warmup + steps):
        t = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        loss.item()
        if i >= warmup:
            seconds.append(time.perf_counter() - t)
    med = statistics.median(seconds)
    return {
        "size": size,
        "batch": batch,
        "warmup": warmup,
        "steps": steps,
        "seconds": seconds,
        "medianSeconds": med,
        "minSeconds": min(seconds),
        "imagesPerSecond": batch / med,
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", default="32,16")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--steps", default="5", help="timed steps, one value or one per size")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    sizes = [int(s) for s in a.sizes.split(",")]
    steps = [int(s) for s in a.steps.split(",")]
    for i, size in enumerate(sizes):
        r = measure(size, a.batch, a.warmup, steps[min(i, len(steps) - 1)])
        r.update(torch=torch.__version__, threads=torch.get_num_threads())
        print(json.dumps(r), flush=True)


if __name__ == "__main__":
    main()
