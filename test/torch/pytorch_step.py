# One PyTorch eager training step per line read on stdin (ResNet-18 CIFAR stem, batch 128,
# 2 threads, flush-denormal on, as bench/torch_reference.py); prints each step's seconds.
# Driven by test/torch/interleavedStepRatio.ts. Usage: python3 pytorch_step.py SIZE
import os, sys, time, torch
sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'bench'))
from torch_reference import resnet_cifar
from torch import nn
torch.set_num_threads(2); torch.set_flush_denormal(True)
torch.manual_seed(1)
size = int(sys.argv[1]); batch = 128
model = resnet_cifar(18).train()
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
loss_fn = nn.CrossEntropyLoss()
x = torch.randn(batch, 3, size, size); y = torch.arange(batch) % 4
for line in sys.stdin:
    t = time.perf_counter()
    opt.zero_grad(set_to_none=True); loss = loss_fn(model(x), y); loss.backward(); opt.step(); loss.item()
    print(time.perf_counter() - t, flush=True)
