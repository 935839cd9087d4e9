/**
 * The torch backend's kernels against the pure-JS `cpu` backend (the numerical oracle), on
 * the project's shapes (ResNet/AlexNet/NiN convs and pools, batch norm, dense heads, the
 * rotation/scale transforms, SimCLR's normalised similarities, kNN's top-k), forward and
 * gradient. Data crosses between backends only as plain arrays.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { DiffTracker, randomArray } from '../helpers/numericCheck';
import { startTorchForTest, torchSkipReason } from '../helpers/torchBackend';

const started = startTorchForTest();
const skip = torchSkipReason(started);

type Fn = (...xs: tf.Tensor[]) => tf.Tensor;
interface Case {
  name: string;
  shapes: number[][];
  f: Fn;
  /** Inputs made positive (for sqrt, log, pow...). */
  positive?: boolean;
  /** Also compare the gradient with respect to every input. */
  grad?: boolean;
  tolerance?: number;
}

const conv =
  (s: number, pad: 'same' | 'valid'): Fn =>
  (x, w) =>
    tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, pad);

const CASES: Case[] = [
  {
    name: 'conv 3x3 s1 same (ResNet block)',
    shapes: [
      [4, 16, 16, 32],
      [3, 3, 32, 32],
    ],
    f: conv(1, 'same'),
    grad: true,
  },
  {
    name: 'conv 3x3 s2 same (stage entry)',
    shapes: [
      [4, 16, 16, 16],
      [3, 3, 16, 32],
    ],
    f: conv(2, 'same'),
    grad: true,
  },
  {
    name: 'conv 1x1 s2 same (projection)',
    shapes: [
      [4, 16, 16, 16],
      [1, 1, 16, 32],
    ],
    f: conv(2, 'same'),
    grad: true,
  },
  {
    // A 2x2 output (ResNet's last stage at 16 px): the weight gradient runs as a forward
    // convolution (kernels_nn.cpp, tinyOutputFilterGrad).
    name: 'conv 3x3 s1 same, 2x2 output (weight gradient as a forward conv)',
    shapes: [
      [6, 2, 2, 24],
      [3, 3, 24, 16],
    ],
    f: conv(1, 'same'),
    grad: true,
  },
  {
    name: 'conv 3x3 s2 same, 4x4 -> 2x2 (uneven same padding)',
    shapes: [
      [5, 4, 4, 8],
      [3, 3, 8, 12],
    ],
    f: conv(2, 'same'),
    grad: true,
  },
  {
    name: 'conv 3x3 s2 valid, 5x5 -> 2x2 and 2x3 s1 valid, 3x3 -> 1x1',
    shapes: [
      [3, 5, 5, 4],
      [3, 3, 4, 6],
    ],
    f: (x, w) =>
      tf.concat([
        tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'valid').reshape([-1]),
        tf
          .conv2d(
            tf.slice(x, [0, 0, 0, 0], [3, 3, 3, 4]) as tf.Tensor4D,
            w as tf.Tensor4D,
            1,
            'valid',
          )
          .reshape([-1]),
      ]),
    grad: true,
  },
  {
    // An odd batch (3 Grad-CAM images) crashed oneDNN's 1x1 weight gradient (SIGSEGV).
    name: 'conv 1x1 s2 same, odd batch (projection under Grad-CAM)',
    shapes: [
      [3, 28, 28, 8],
      [1, 1, 8, 16],
    ],
    f: conv(2, 'same'),
    grad: true,
  },
  {
    name: 'conv 1x1 s1 valid, odd batch',
    shapes: [
      [5, 7, 7, 8],
      [1, 1, 8, 4],
    ],
    f: conv(1, 'valid'),
    grad: true,
  },
  {
    name: 'conv 3x3 s1 same (CIFAR stem, 3 channels)',
    shapes: [
      [4, 32, 32, 3],
      [3, 3, 3, 16],
    ],
    f: conv(1, 'same'),
    grad: true,
  },
  {
    name: 'conv 11x11 s4 valid (AlexNet stem)',
    shapes: [
      [2, 36, 36, 3],
      [11, 11, 3, 8],
    ],
    f: conv(4, 'valid'),
    grad: true,
  },
  {
    name: 'conv 5x5 s1 same (NiN)',
    shapes: [
      [2, 12, 12, 4],
      [5, 5, 4, 6],
    ],
    f: conv(1, 'same'),
    grad: true,
  },
  {
    name: 'fused conv + bias + relu (layers conv2d with bias)',
    shapes: [[2, 9, 9, 4], [3, 3, 4, 6], [6]],
    f: (x, w, b) =>
      tf.fused.conv2d({
        x: x as tf.Tensor4D,
        filter: w as tf.Tensor4D,
        strides: 1,
        pad: 'same',
        bias: b,
        activation: 'relu',
      }),
    grad: true,
  },
  {
    name: 'depthwise conv 3x3 s2 same',
    shapes: [
      [2, 9, 9, 4],
      [3, 3, 4, 2],
    ],
    f: (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same'),
    grad: true,
  },
  {
    name: 'max pool 3x3 s2 same (ResNet ImageNet stem)',
    shapes: [[2, 16, 16, 8]],
    f: (x) => tf.maxPool(x as tf.Tensor4D, 3, 2, 'same'),
    grad: true,
  },
  {
    name: 'max pool 3x3 s2 valid (AlexNet)',
    shapes: [[2, 15, 15, 8]],
    f: (x) => tf.maxPool(x as tf.Tensor4D, 3, 2, 'valid'),
    grad: true,
  },
  {
    name: 'avg pool 3x3 s2 same (NiN)',
    shapes: [[2, 16, 16, 8]],
    f: (x) => tf.avgPool(x as tf.Tensor4D, 3, 2, 'same'),
    grad: true,
  },
  {
    name: 'avg pool 6x6 s1 valid (NiN head)',
    shapes: [[2, 6, 6, 8]],
    f: (x) => tf.avgPool(x as tf.Tensor4D, 6, 1, 'valid'),
    grad: true,
  },
  {
    name: 'global average pool (mean over H, W)',
    shapes: [[4, 8, 8, 32]],
    f: (x) => tf.mean(x, [1, 2]),
    grad: true,
  },
  {
    name: 'training batch norm (moments + batchNorm)',
    shapes: [[4, 8, 8, 16], [16], [16]],
    f: (x, gamma, beta) => {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      return tf.batchNorm(x, mean, variance, beta, gamma, 1e-5);
    },
    grad: true,
  },
  {
    // The variance's own gradient is not zero here: x - mean is made from its x and mean.
    name: 'moments alone (fused: mean and variance in one pass), both gradients',
    shapes: [[4, 8, 8, 16]],
    f: (x) => {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      return tf.concat([mean, variance]);
    },
    grad: true,
  },
  {
    name: 'moments of a [rows, channels] matrix (axis 0)',
    shapes: [[50, 7]],
    f: (x) => {
      const { mean, variance } = tf.moments(x, 0);
      return tf.concat([mean, variance]);
    },
    grad: true,
  },
  {
    name: 'inference batch norm (moving statistics)',
    shapes: [[4, 8, 8, 16], [16], [16], [16], [16]],
    positive: true,
    f: (x, m, v, beta, gamma) => tf.batchNorm(x, m, v, beta, gamma, 1e-3),
    grad: true,
  },
  {
    name: 'dense head (fused matMul + bias)',
    shapes: [[16, 64], [64, 10], [10]],
    f: (a, b, bias) => tf.fused.matMul({ a: a, b: b, bias }),
    grad: true,
  },
  {
    name: 'matMul transposeB (SimCLR similarities)',
    shapes: [
      [16, 32],
      [16, 32],
    ],
    f: (a, b) => tf.matMul(a, b, false, true),
    grad: true,
  },
  {
    name: 'matMul transposeA',
    shapes: [
      [16, 8],
      [16, 12],
    ],
    f: (a, b) => tf.matMul(a, b, true, false),
    grad: true,
  },
  {
    name: 'batched matMul',
    shapes: [
      [3, 5, 7],
      [3, 7, 4],
    ],
    f: (a, b) => tf.matMul(a, b),
    grad: true,
  },
  {
    name: 'softmax cross-entropy (4 rotations)',
    shapes: [[16, 4]],
    f: (logits) =>
      tf.losses.softmaxCrossEntropy(
        tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3], 'int32'), 4),
        logits,
      ),
    grad: true,
  },
  { name: 'log softmax', shapes: [[8, 10]], f: (x) => tf.logSoftmax(x), grad: true },
  {
    name: 'L2 normalise (SimCLR projections)',
    shapes: [[16, 32]],
    f: (x) => tf.div(x, tf.maximum(tf.sqrt(tf.sum(tf.square(x), 1, true)), 1e-12)),
    grad: true,
  },
  {
    name: 'relu, relu6, elu, leakyRelu, sigmoid, tanh',
    shapes: [[4, 8, 8, 16]],
    f: (x) =>
      tf.addN([
        tf.relu(x),
        tf.relu6(tf.mul(x, 8)),
        tf.elu(x),
        tf.leakyRelu(x, 0.1),
        tf.sigmoid(x),
        tf.tanh(x),
      ]),
    grad: true,
  },
  {
    name: 'sqrt, rsqrt, log, reciprocal, exp, pow',
    shapes: [[64]],
    positive: true,
    f: (x) =>
      tf.addN([
        tf.sqrt(x),
        tf.rsqrt(x),
        tf.log(x),
        tf.reciprocal(x),
        tf.exp(x),
        tf.pow(x, tf.scalar(1.5)),
      ]),
    grad: true,
  },
  {
    name: 'square, abs, neg',
    shapes: [[64]],
    f: (x) => tf.addN([tf.square(x), tf.abs(x), tf.neg(x)]),
    grad: true,
  },
  {
    name: 'broadcast add/sub/mul/div/max/min/squaredDifference',
    shapes: [[4, 8, 8, 16], [16], [1, 8, 1, 16]],
    f: (a, b, c) =>
      tf.addN([
        tf.add(a, b),
        tf.sub(a, c),
        tf.mul(a, b),
        tf.div(a, tf.add(tf.abs(c), 1)),
        tf.maximum(a, tf.mul(a, c)),
        tf.minimum(a, tf.mul(a, b)),
        tf.squaredDifference(a, tf.mul(a, c)),
      ]),
    grad: true,
  },
  {
    name: 'comparisons and select',
    shapes: [[32], [32]],
    f: (a, b) => tf.where(tf.greater(a, b), a, tf.mul(b, 2)),
  },
  {
    name: 'select gradient (condition from a constant)',
    shapes: [[32], [32]],
    f: (a, b) => tf.where(tf.greater(tf.tensor1d(randomArray(32, 5)), 0), a, tf.mul(b, 2)),
    grad: true,
  },
  {
    name: 'sum, mean, max, min over axes',
    shapes: [[4, 6, 6, 8]],
    f: (x) =>
      tf.concat([
        tf.sum(x, [0, 1, 2]),
        tf.mean(x, [0, 1, 2]),
        tf.max(x, [0, 1, 2]),
        tf.min(x, [0, 1, 2]),
      ]),
    grad: true,
  },
  { name: 'argMax (accuracy)', shapes: [[16, 10]], f: (x) => tf.cast(tf.argMax(x, 1), 'float32') },
  {
    name: 'transpose',
    shapes: [[4, 6, 5, 3]],
    f: (x) => tf.transpose(x, [0, 3, 1, 2]),
    grad: true,
  },
  {
    name: 'slice',
    shapes: [[4, 10, 10, 3]],
    f: (x) => tf.slice(x, [1, 2, 3, 0], [2, 4, 4, 3]),
    grad: true,
  },
  // tfjs has no gradient for StridedSlice.
  {
    name: 'stridedSlice',
    shapes: [[4, 10, 10, 3]],
    f: (x) => tf.stridedSlice(x, [0, 1, 1, 0], [4, 9, 9, 3], [2, 2, 2, 1]),
  },
  {
    name: 'stridedSlice negative stride',
    shapes: [[4, 10, 10, 3]],
    f: (x) => tf.stridedSlice(x, [3, 8, 0, 0], [0, 1, 10, 3], [-1, -3, 2, 1]),
  },
  {
    name: 'reverse (rotation flips)',
    shapes: [[2, 8, 8, 3]],
    f: (x) => tf.add(tf.reverse(x, 1), tf.reverse(x, [1, 2])),
    grad: true,
  },
  {
    name: 'concat on batch and channels',
    shapes: [
      [2, 4, 4, 3],
      [2, 4, 4, 3],
    ],
    f: (a, b) => tf.concat([tf.concat([a, b], 0), tf.concat([b, a], 0)], 3),
    grad: true,
  },
  {
    name: 'pad (AlexNet zero padding)',
    shapes: [[2, 8, 8, 3]],
    f: (x) =>
      tf.pad(x, [
        [0, 0],
        [2, 2],
        [2, 2],
        [0, 0],
      ]),
    grad: true,
  },
  {
    name: 'gather rows (kNN labels, subsets)',
    shapes: [[10, 6]],
    f: (x) => tf.gather(x, tf.tensor1d([3, 1, 4, 1, 5, 9], 'int32')),
    grad: true,
  },
  { name: 'tile', shapes: [[2, 3, 1]], f: (x) => tf.tile(x, [2, 1, 4]), grad: true },
  { name: 'topK values (kNN)', shapes: [[8, 50]], f: (x) => tf.topk(x, 5).values },
  {
    name: 'topK indices (kNN)',
    shapes: [[8, 50]],
    f: (x) => tf.cast(tf.topk(x, 5).indices, 'float32'),
  },
  { name: 'cumsum', shapes: [[4, 7]], f: (x) => tf.cumsum(x, 1), grad: true },
  {
    name: 'resizeBilinear down (scale pyramid)',
    shapes: [[2, 32, 32, 3]],
    f: (x) => tf.image.resizeBilinear(x as tf.Tensor4D, [19, 19]),
    grad: true,
  },
  {
    name: 'resizeBilinear up',
    shapes: [[2, 8, 8, 3]],
    f: (x) => tf.image.resizeBilinear(x as tf.Tensor4D, [14, 14]),
    grad: true,
  },
  {
    name: 'resizeBilinear alignCorners',
    shapes: [[2, 8, 8, 3]],
    f: (x) => tf.image.resizeBilinear(x as tf.Tensor4D, [13, 11], true),
    grad: true,
  },
  {
    name: 'resizeBilinear halfPixelCenters',
    shapes: [[2, 8, 8, 3]],
    f: (x) => tf.image.resizeBilinear(x as tf.Tensor4D, [12, 5], false, true),
    grad: true,
  },
  {
    name: 'oneHot + cast',
    shapes: [[6]],
    f: (x) => tf.oneHot(tf.cast(tf.mul(tf.abs(x), 3.9), 'int32'), 4).asType('float32'),
  },
];

type Result = Float32Array[];

function runCase(c: Case, seed: number): Result {
  const arrays = c.shapes.map((shape, i) => {
    const values = randomArray(
      shape.reduce((a, b) => a * b, 1),
      seed + i,
    );
    return c.positive ? values.map((v) => Math.abs(v) + 0.1) : values;
  });
  return tf.tidy(() => {
    const xs = arrays.map((values, i) => tf.tensor(values, c.shapes[i]));
    const y = c.f(...xs);
    const out = [y.dataSync() as Float32Array];
    if (c.grad) {
      const dy = tf.tensor(randomArray(y.size, seed + 99), y.shape);
      for (const g of tf.grads((...ins: tf.Tensor[]) => c.f(...ins))(xs, dy))
        out.push(g.dataSync() as Float32Array);
    }
    return out.map((a) => Float32Array.from(a));
  });
}

describe('torch kernels against cpu, forward and gradient', { skip }, () => {
  const tracker = new DiffTracker();
  before(async () => {
    assert.ok(await tf.setBackend('cpu'));
  });
  after(async () => {
    console.log(tracker.summary('torch vs cpu'));
    await tf.setBackend('cpu');
  });
  for (const [index, c] of CASES.entries()) {
    it(c.name, async () => {
      await tf.setBackend('cpu');
      const expected = runCase(c, 1000 + index * 10);
      await tf.setBackend('torch');
      const actual = runCase(c, 1000 + index * 10);
      assert.equal(actual.length, expected.length);
      for (let i = 0; i < expected.length; i++) {
        tracker.check(
          `${c.name} ${i === 0 ? 'forward' : `grad ${i - 1}`}`,
          actual[i],
          expected[i],
          c.tolerance ?? 1e-3,
        );
      }
    });
  }
});

describe('fused moments: a training batch norm step makes no x - mean', { skip }, () => {
  it('runs TorchMoments once per batch norm, no full-size Sub or Square, and frees all', async () => {
    await tf.setBackend('torch');
    const torch = tf.backend() as unknown as {
      addon: {
        run: (k: string, h: number[], s: number[][], a: object) => unknown;
        count(): number;
      };
    };
    const run = torch.addon.run.bind(torch.addon);
    const calls: { kernel: string; size: number }[] = [];
    torch.addon.run = (kernel, handles, shapes, attrs) => {
      calls.push({ kernel, size: Math.max(...shapes.map((s) => s.reduce((a, b) => a * b, 1))) });
      return run(kernel, handles, shapes, attrs);
    };
    const before = torch.addon.count();
    try {
      const x = tf.randomNormal([8, 6, 6, 16], 0, 1, 'float32', 5);
      const gamma = tf.ones([16]);
      const beta = tf.zeros([16]);
      const f = (input: tf.Tensor, g: tf.Tensor) => {
        const { mean, variance } = tf.moments(input, [0, 1, 2]);
        const y = tf.batchNorm(input, mean, variance, beta, g, 1e-3);
        // Not tf.square: the spy below looks for full-size Square calls.
        return tf.sum(tf.mul(y, y));
      };
      const grads = tf.grads(f)([x, gamma]);
      const value = tf.tidy(() => f(x, gamma));
      const full = 8 * 6 * 6 * 16;
      const made = calls.filter(
        (c) => (c.kernel === 'Sub' || c.kernel === 'Square') && c.size === full,
      );
      assert.deepEqual(made, [], 'x - mean and its square are never made');
      assert.equal(calls.filter((c) => c.kernel === 'TorchMoments').length, 2);
      // The normalised output has variance var / (var + eps) per channel (var about 1 for
      // this x): its sum of squares is n within 0.3%.
      assert.ok(Math.abs((await value.data())[0] - full) / full < 3e-3, String(value.dataSync()));
      // d/dgamma of sum((gamma * xhat)^2) = 2 * gamma * sum(xhat^2) = 2 * n / 16 each.
      for (const g of await grads[1].data())
        assert.ok(Math.abs(g / ((2 * full) / 16) - 1) < 3e-3, String(g));
      tf.dispose([value, ...grads, x, gamma, beta]);
    } finally {
      torch.addon.run = run;
    }
    assert.equal(torch.addon.count(), before, 'no native tensor left behind');
  });
});
