/**
 * SimCLR pieces: NT-Xent against a value worked out by hand (self-similarity masked,
 * both directions of each positive pair averaged), the contrastive top-1, the
 * projection-head model (trunk `pool` kept, rotation `head` gone, nothing leaked), a
 * training step that leaves the tensor count flat, and the config section.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../sidecar/backend/chooseBackend';
import { resolveConfig } from '../../sidecar/config/resolveConfig';
import { buildModel } from '../../sidecar/models/buildModel';
import { contrastiveHits, ntXentLoss } from '../../sidecar/methods/simclr/ntXent';
import { buildSimclrModel } from '../../sidecar/methods/simclr/projectionHead';
import { makeAdam, simclrTrainStep } from '../../sidecar/methods/simclr/simclrStep';
import { buildViewBatch } from '../../sidecar/methods/simclr/viewBatch';

const lossOf = (rows: number[][], temperature: number): number => {
  const z = tf.tensor2d(rows);
  const loss = ntXentLoss(z, temperature);
  const value = loss.dataSync()[0];
  tf.dispose([z, loss]);
  return value;
};

describe('NT-Xent', () => {
  before(async () => {
    await chooseBackend('wasm', {});
  });

  it('matches the hand-computed value on N = 2 (rows: a1, a2, b1, b2)', () => {
    // a1 = [1, 0], a2 = [0, 1], b1 = [1, 1], b2 = [3, -3]; positives a1-b1 and a2-b2.
    // Cosines: a1·a2 0, a1·b1 1/√2, a1·b2 1/√2, a2·b1 1/√2, a2·b2 -1/√2, b1·b2 0.
    // With τ = 0.5 the logits are 2·cos, so with r = √2:
    //   row a1: -r + log(e^0 + e^r + e^r)      (positive b1 at r; a2 at 0; b2 at r)
    //   row a2:  r + log(e^0 + e^r + e^-r)     (positive b2 at -r; a1 at 0; b1 at r)
    //   row b1: -r + log(e^r + e^r + e^0)      (positive a1 at r; a2 at r; b2 at 0)
    //   row b2:  r + log(e^r + e^-r + e^0)     (positive a2 at -r; a1 at r; b1 at 0)
    // Mean of the four = (log(1 + 2e^r) + log(1 + e^r + e^-r)) / 2 = 1.950180...
    const r = Math.SQRT2;
    const expected = (Math.log(1 + 2 * Math.exp(r)) + Math.log(1 + Math.exp(r) + Math.exp(-r))) / 2;
    assert.ok(Math.abs(expected - 1.95018) < 1e-5, `hand value ${expected}`);
    const rows = [
      [1, 0],
      [0, 1],
      [1, 1],
      [3, -3],
    ];
    assert.ok(Math.abs(lossOf(rows, 0.5) - expected) < 1e-5, `${lossOf(rows, 0.5)}`);
    // Without the mask every row would also hold its own e^(1/τ) = e^2: a different value.
    const unmasked =
      (Math.log(1 + 2 * Math.exp(r) + Math.exp(2)) +
        Math.log(1 + Math.exp(r) + Math.exp(-r) + Math.exp(2))) /
      2;
    assert.ok(Math.abs(lossOf(rows, 0.5) - unmasked) > 0.1);
  });

  it('averages both directions: one direction alone gives another value', () => {
    // Rows a1 and b1 only (N = 1): both rows see just their positive, so the loss is 0
    // whatever the cosine; with N = 2 the a- and b-rows above differ (-r vs +r terms).
    assert.ok(
      Math.abs(
        lossOf(
          [
            [1, 0],
            [0.2, 0.9],
          ],
          0.5,
        ),
      ) < 1e-6,
    );
    const r = Math.SQRT2;
    const rowA1 = -r + Math.log(1 + 2 * Math.exp(r));
    const rowA2 = r + Math.log(1 + Math.exp(r) + Math.exp(-r));
    const firstViewsOnly = (rowA1 + rowA2) / 2;
    const loss = lossOf(
      [
        [1, 0],
        [0, 1],
        [1, 1],
        [3, -3],
      ],
      0.5,
    );
    // Here each b-row equals its a-row, so the mean of all four equals the a-rows' mean.
    assert.ok(Math.abs(loss - firstViewsOnly) < 1e-5);
    // Break that symmetry: b2 moves; the loss must follow all four rows, not two.
    const rows = [
      [1, 0],
      [0, 1],
      [1, 1],
      [1, -2],
    ];
    const cos = (u: number[], v: number[]) =>
      (u[0] * v[0] + u[1] * v[1]) / Math.hypot(u[0], u[1]) / Math.hypot(v[0], v[1]);
    const rowLoss = (i: number, pos: number) => {
      const logits = rows.map((v, j) => (j === i ? -Infinity : cos(rows[i], v) / 0.5));
      return -logits[pos] + Math.log(logits.reduce((s, l) => s + Math.exp(l), 0));
    };
    const all = (rowLoss(0, 2) + rowLoss(1, 3) + rowLoss(2, 0) + rowLoss(3, 1)) / 4;
    const onlyFirst = (rowLoss(0, 2) + rowLoss(1, 3)) / 2;
    assert.ok(Math.abs(all - onlyFirst) > 1e-3);
    assert.ok(Math.abs(lossOf(rows, 0.5) - all) < 1e-5);
  });

  it('counts a view as a hit when its positive is its most similar other view', () => {
    // Image 0's views point along x, image 1's along y: all four rows find their positive.
    const z = tf.tensor2d([
      [1, 0.1],
      [0.1, 1],
      [1, -0.1],
      [-0.1, 1],
    ]);
    const swapped = tf.tensor2d([
      [1, 0.1],
      [0.1, 1],
      [-0.1, 1],
      [1, -0.1],
    ]);
    const hits = contrastiveHits(z, 0.5);
    const none = contrastiveHits(swapped, 0.5);
    assert.equal(hits.dataSync()[0], 4);
    assert.equal(none.dataSync()[0], 0);
    tf.dispose([z, swapped, hits, none]);
  });
});

describe('SimCLR model and step', () => {
  const spec = { arch: 'resnet' as const, blocks: [1, 1], widths: [8, 16] };

  it('puts the projection MLP on `pool`, drops the rotation head, leaks nothing', () => {
    const before = tf.memory().numTensors;
    const model = buildSimclrModel(buildModel(spec, { inputChannels: 1, classes: 4, seed: 1 }), {
      hidden: 0,
      out: 128,
      seed: 1,
    });
    assert.deepEqual(model.outputs[0].shape, [null, 128]);
    assert.equal(model.getLayer('proj_hidden').getWeights()[0].shape[0], 16);
    assert.equal(
      model.getLayer('proj_hidden').getWeights()[0].shape[1],
      16,
      'hidden = feature dim',
    );
    assert.ok(model.getLayer('pool'));
    assert.ok(!model.layers.some((l) => l.name === 'head'));
    model.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  it('trains with a flat tensor count across steps', () => {
    const model = buildSimclrModel(buildModel(spec, { inputChannels: 1, classes: 4, seed: 2 }), {
      hidden: 0,
      out: 32,
      seed: 2,
    });
    const set = {
      name: 'noise',
      images: Uint8Array.from({ length: 8 * 12 * 12 }, (_, i) => (i * 37) % 256),
      count: 8,
      height: 12,
      width: 12,
      channels: 1,
    };
    const stats = { mean: [127], std: [70] };
    const options = { strength: 0.5, outSize: 12 };
    const optimizer = makeAdam(1e-3);
    const counts: number[] = [];
    const losses: number[] = [];
    for (let step = 0; step < 5; step++) {
      const batch = buildViewBatch(
        set,
        [0, 1, 2, 3, 4, 5, 6, 7],
        options,
        stats,
        (i) => step * 8 + i,
      );
      assert.equal(batch.count, 16);
      const result = simclrTrainStep(model, optimizer, batch, 0.5, 1e-6);
      assert.ok(Number.isFinite(result.loss) && result.correct >= 0 && result.correct <= 16);
      losses.push(result.loss);
      counts.push(tf.memory().numTensors);
    }
    // The first step creates Adam's slots; after it nothing may accumulate.
    assert.deepEqual(counts.slice(1), new Array<number>(4).fill(counts[1]), counts.join(', '));
    // Chance level of NT-Xent with 2N - 1 = 15 candidates is about log(15) = 2.7.
    assert.ok(losses[0] > 1.5 && losses[0] < 4, losses.join(', '));
    optimizer.dispose();
    model.dispose();
  });
});

describe('SimCLR config', () => {
  it('accepts method simclr with the paper defaults, Adam lr and a scale chain', () => {
    const config = resolveConfig({ method: 'simclr', pretext: { scales: [0.5, 1] } }, 'x.json');
    assert.deepEqual(config.simclr, {
      temperature: 0.5,
      projectionDim: 128,
      projectionHidden: 0,
      colorStrength: 0.5,
      cropScale: [0.08, 1],
    });
    assert.deepEqual(config.pretext.lr, [0.001, 0.001]);
    assert.equal(config.pretext.weightDecay, 1e-6);
    const given = resolveConfig({ method: 'simclr', pretext: { lr: [0.01] } }, 'x.json');
    assert.deepEqual(given.pretext.lr, [0.01]);
    // Rotation methods keep the SGD defaults.
    assert.deepEqual(resolveConfig({}, 'x.json').pretext.lr, [0.05]);
  });

  it('names a reversed crop range', () => {
    assert.throws(
      () => resolveConfig({ method: 'simclr', simclr: { cropScale: [1, 0.5] } }, 'x.json'),
      /cropScale/,
    );
  });
});
