/**
 * NT-Xent, SimCLR's contrastive loss (Chen et al. 2020, eq. 1). The batch holds 2N
 * embeddings: rows 0..N-1 are the first view of each image, rows N..2N-1 the second
 * (so the positive of row i is row (i + N) mod 2N). Similarity is the cosine over
 * `temperature`; each row's own similarity is masked out of its softmax, leaving the
 * positive among 2N - 1 candidates. The loss averages both directions of every
 * positive pair, i.e. all 2N rows.
 */
import * as tf from '@tensorflow/tfjs';

/** Large enough that exp() of a masked logit is 0 in float32, small enough to stay finite. */
const MASKED = 1e9;

/** Index of each row's positive: the other view of the same image. */
export function positiveIndices(n: number): Int32Array {
  return Int32Array.from({ length: 2 * n }, (_, i) => (i + n) % (2 * n));
}

/** Cosine-similarity logits over the temperature with self-similarity masked: [2N, 2N]. */
export function contrastiveLogits(z: tf.Tensor2D, temperature: number): tf.Tensor2D {
  return tf.tidy(() => {
    const rows = z.shape[0];
    // Rows scaled to unit length (the epsilon keeps an all-zero embedding finite).
    const norms = tf.sqrt(tf.maximum(tf.sum(tf.square(z), 1, true), 1e-12));
    const unit = tf.div(z, norms);
    const logits = tf.div(tf.matMul(unit, unit, false, true), temperature);
    return tf.sub(logits, tf.mul(tf.eye(rows), MASKED));
  });
}

/** Mean NT-Xent over the 2N rows of `z` (views stacked as [first; second]). */
export function ntXentLoss(z: tf.Tensor2D, temperature: number): tf.Scalar {
  return tf.tidy(() => {
    const rows = z.shape[0];
    if (rows % 2 !== 0) throw new Error(`NT-Xent needs 2N embeddings, got ${rows}`);
    const logits = contrastiveLogits(z, temperature);
    const targets = tf.oneHot(tf.tensor1d(positiveIndices(rows / 2), 'int32'), rows);
    return tf.losses.softmaxCrossEntropy(targets, logits);
  });
}

/** Rows whose most similar other row is their positive (top-1 among 2N - 1), as a count. */
export function contrastiveHits(z: tf.Tensor2D, temperature: number): tf.Scalar {
  return tf.tidy(() => {
    const rows = z.shape[0];
    const best = tf.argMax(contrastiveLogits(z, temperature), 1);
    const positives = tf.tensor1d(positiveIndices(rows / 2), 'int32');
    return tf.sum<tf.Scalar>(tf.cast(tf.equal(best, positives), 'int32'));
  });
}
