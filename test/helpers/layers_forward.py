"""Runs an exported ScaleNet network with NumPy alone, from <name>.safetensors and
<name>.layers.json, to show the export is loadable without ScaleNet or TensorFlow.

usage: layers_forward.py MODEL.safetensors MODEL.layers.json INPUT.npy OUTPUT.npy
INPUT holds raw pixels (0..255) as float32 NHWC; OUTPUT gets the model's output.
Covers the ops the ResNets use: Conv2D, BatchNormalization, ReLU, Add, Activation,
GlobalAveragePooling2D, Dense.
"""
import json
import struct
import sys

import numpy as np


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] == "F32", entry
        begin, end = entry["data_offsets"]
        buf = data[8 + n + begin : 8 + n + end]
        out[name] = np.frombuffer(buf, dtype="<f4").reshape(entry["shape"])
    return out


def pad_same(x, k, s):
    """TensorFlow's 'same' padding: the extra pixel goes after."""
    _, h, w, _ = x.shape
    pads = []
    for size in (h, w):
        out = -(-size // s)
        total = max((out - 1) * s + k - size, 0)
        pads.append((total // 2, total - total // 2))
    return np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))


def conv2d(x, kernel, strides, padding):
    kh, kw, cin, cout = kernel.shape
    assert kh == kw
    if padding == "same":
        x = pad_same(x, kh, strides)
    n, h, w, _ = x.shape
    oh = (h - kh) // strides + 1
    ow = (w - kw) // strides + 1
    out = np.zeros((n, oh, ow, cout), dtype=np.float64)
    for i in range(kh):
        for j in range(kw):
            patch = x[:, i : i + strides * oh : strides, j : j + strides * ow : strides, :]
            out += patch @ kernel[i, j].astype(np.float64)
    return out


def main():
    weights_path, layers_path, input_path, output_path = sys.argv[1:5]
    weights = read_safetensors(weights_path)
    desc = json.load(open(layers_path))
    x = np.load(input_path).astype(np.float64)
    std = desc["input"]["standardize"]
    x = (x - np.array(std["mean"])) / np.array(std["std"])
    values = {}
    for layer in desc["layers"]:
        op, cfg, name = layer["op"], layer["config"], layer["name"]
        w = {entry["name"].split("/")[-1]: weights[entry["name"]] for entry in layer["weights"]}
        inputs = [values[i] for i in layer["inputs"]]
        if op == "InputLayer":
            y = x
        elif op == "Conv2D":
            k = cfg["kernelSize"][0] if isinstance(cfg["kernelSize"], list) else cfg["kernelSize"]
            s = cfg["strides"][0] if isinstance(cfg["strides"], list) else cfg["strides"]
            assert w["kernel"].shape[0] == k
            y = conv2d(inputs[0], w["kernel"], s, cfg["padding"])
            if cfg.get("useBias"):
                y = y + w["bias"]
            assert cfg.get("activation", "linear") == "linear", cfg
        elif op == "BatchNormalization":
            y = (inputs[0] - w["moving_mean"]) / np.sqrt(w["moving_variance"] + cfg["epsilon"])
            y = y * w["gamma"] + w["beta"]
        elif op == "ReLU":
            y = np.maximum(inputs[0], 0)
        elif op == "Add":
            y = sum(inputs)
        elif op == "Activation":
            assert cfg["activation"] == "linear", cfg
            y = inputs[0]
        elif op == "GlobalAveragePooling2D":
            y = inputs[0].mean(axis=(1, 2))
        elif op == "Dense":
            y = inputs[0] @ w["kernel"] + (w["bias"] if "bias" in w else 0)
        else:
            raise SystemExit(f"unsupported op {op} in {name}")
        values[name] = y
    np.save(output_path, values[desc["output"]["layer"]].astype("<f4"))


if __name__ == "__main__":
    main()
