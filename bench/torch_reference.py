"""PyTorch CPU reference for bench/train-throughput.ts (not a dependency of the product).

Same network as sidecar/models/resnet.ts buildResNet(blocks [2,2,2,2], widths
[64,128,256,512], classes 4): CIFAR stem (3x3 conv, stride 1, no max-pool), basic blocks
with a 1x1 conv + BN projection where the shape changes, global average pooling, a dense
head; SGD momentum 0.9, weight decay 5e-4, cross-entropy over 4 classes. ResNet-50 is
buildStandardResNet(50): bottleneck blocks [3,4,6,3] (stride on the 3x3 conv, torchvision's
v1.5), the same CIFAR stem. Denormals are flushed to zero, as the torch backend does
(without it PyTorch 1.13 ran ResNet-18 at 16 px 3-4x slower here). Threads as asked (the
bench passes the torch backend's count). Prints one JSON line per case: {"depth", "size",
"batch", "imagesPerSecond", "seconds", ...}.

Usage: python3 bench/torch_reference.py --cases 18:32,18:16,50:32 --batch 128 --warmup 1 --steps 4,10,2
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


class Bottleneck(nn.Module):
    def __init__(self, cin, width, stride):
        super().__init__()
        cout = 4 * width
        self.a = nn.Sequential(*conv_bn(cin, width, 1, 1), nn.ReLU(inplace=True))
        self.b = nn.Sequential(*conv_bn(width, width, 3, stride), nn.ReLU(inplace=True))
        self.c = nn.Sequential(*conv_bn(width, cout, 1, 1))
        self.proj = (
            nn.Sequential(*conv_bn(cin, cout, 1, stride))
            if stride != 1 or cin != cout
            else nn.Identity()
        )

    def forward(self, x):
        return torch.relu(self.c(self.b(self.a(x))) + self.proj(x))


LAYOUTS = {18: ([2, 2, 2, 2], BasicBlock, 1), 50: ([3, 4, 6, 3], Bottleneck, 4)}


def resnet_cifar(depth=18, classes=4):
    blocks, block_type, expansion = LAYOUTS[depth]
    widths = [64, 128, 256, 512]
    layers = [*conv_bn(3, widths[0], 3, 1), nn.ReLU(inplace=True)]
    cin = widths[0]
    for stage, width in enumerate(widths):
        for block in range(blocks[stage]):
            stride = 2 if stage > 0 and block == 0 else 1
            layers.append(block_type(cin, width, stride))
            cin = width * expansion
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, classes)]
    return nn.Sequential(*layers)


def training_step(depth, size, batch, device="cpu"):
    """The benchmarked step: a function that trains once on a fixed batch."""
    torch.manual_seed(1)
    model = resnet_cifar(depth).to(device).train()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.randn(batch, 3, size, size, device=device)
    y = torch.arange(batch, device=device) % 4

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        loss.item()

    return step


def measure(depth, size, batch, warmup, steps, device="cpu"):
    step = training_step(depth, size, batch, device)
    seconds = []
    for i in range(warmup + steps):
        t = time.perf_counter()
        step()
        if i >= warmup:
            seconds.append(time.perf_counter() - t)
    med = statistics.median(seconds)
    return {
        "depth": depth,
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
    p.add_argument("--sizes", default="32,16", help="ResNet-18 sizes (when --cases is absent)")
    p.add_argument("--cases", default="", help="depth:size,... e.g. 18:32,18:16,50:32")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--device", default="cpu", help="cpu, or cuda for bench/gpu-check.sh")
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--steps", default="5", help="timed steps, one value or one per size")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_flush_denormal(True)
    cases = (
        [tuple(int(v) for v in c.split(":")) for c in a.cases.split(",")]
        if a.cases
        else [(18, int(s)) for s in a.sizes.split(",")]
    )
    steps = [int(s) for s in a.steps.split(",")]
    for i, (depth, size) in enumerate(cases):
        r = measure(depth, size, a.batch, a.warmup, steps[min(i, len(steps) - 1)], a.device)
        r.update(torch=torch.__version__, threads=torch.get_num_threads(), device=a.device)
        print(json.dumps(r), flush=True)


if __name__ == "__main__":
    main()
