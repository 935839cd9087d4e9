/**
 * Grad-CAM (Selvaraju et al. 2017) and Grad-CAM++ (Chattopadhay et al. 2018) for one
 * stage: the gradient of the target logit with respect to the stage's activations,
 * pooled into one weight per channel, a ReLU'd weighted sum of the activation maps,
 * upsampled (bilinear) to the image size and normalised to 0..1 per image.
 *
 * Grad-CAM++ uses the closed form for an exponentiated score, in which the second and
 * third derivatives are powers of the first (as pytorch-grad-cam does), so one
 * backward pass serves both methods.
 */
import * as tf from '@tensorflow/tfjs';

export type CamMethod = 'gradcam' | 'gradcam++';

export interface StageCams {
  /** The stage's own resolution, before upsampling. */
  camHeight: number;
  camWidth: number;
  /** N maps of height x width, row-major, each normalised to 0..1 (all 0 when flat). */
  cams: Float32Array;
  /** Mean |d target / d activation| per image: 0 means the map explains nothing. */
  gradientMeanAbs: number[];
}

/** Channel weights [N, 1, 1, C] from the activations and the gradients [N, h, w, C]. */
function channelWeights(method: CamMethod, acts: tf.Tensor4D, grads: tf.Tensor4D): tf.Tensor4D {
  if (method === 'gradcam') return tf.mean(grads, [1, 2], true);
  const g2 = tf.square(grads);
  const g3 = tf.mul(g2, grads);
  const sumActs = tf.sum(acts, [1, 2], true);
  const denom = tf.add(tf.mul(g2, 2), tf.mul(sumActs, g3));
  // Where the denominator vanishes the gradient does too; 1 keeps alpha finite (0).
  const safe = tf.where(tf.equal(denom, 0), tf.onesLike(denom), denom);
  const alpha = tf.div(g2, safe);
  return tf.sum(tf.mul(alpha, tf.relu(grads)), [1, 2], true);
}

/** Per-image min-max normalisation of [N, H, W] to 0..1; a flat map becomes all zeros. */
function normalise(maps: tf.Tensor3D): tf.Tensor3D {
  const min = tf.min(maps, [1, 2], true);
  const range = tf.sub(tf.max(maps, [1, 2], true), min);
  const safe = tf.where(tf.greater(range, 1e-12), range, tf.onesLike(range));
  return tf.div(tf.sub(maps, min), safe);
}

/**
 * CAMs of one stage for a batch. `head` maps the stage output to the logits; `targets`
 * is the class index explained for each image.
 */
export function stageCams(
  head: tf.LayersModel,
  acts: tf.Tensor4D,
  targets: Int32Array,
  method: CamMethod,
  outHeight: number,
  outWidth: number,
): StageCams {
  const [, camHeight, camWidth] = acts.shape;
  const result = tf.tidy(() => {
    const classes = head.outputs[0].shape[1] ?? 0;
    const oneHot = tf.oneHot(tf.tensor1d(targets, 'int32'), classes).toFloat();
    const score = (a: tf.Tensor) =>
      tf.sum(tf.mul(head.apply(a, { training: false }) as tf.Tensor2D, oneHot));
    const grads = tf.grad(score)(acts) as tf.Tensor4D;
    const weights = channelWeights(method, acts, grads);
    const raw = tf.relu(tf.sum(tf.mul(weights, acts), 3, true)) as tf.Tensor4D;
    const up = tf.image.resizeBilinear(raw, [outHeight, outWidth]);
    const maps = normalise(tf.squeeze(up, [3]));
    return { maps, gradAbs: tf.mean(tf.abs(grads), [1, 2, 3]) };
  });
  const cams = result.maps.dataSync() as Float32Array;
  const gradientMeanAbs = Array.from(result.gradAbs.dataSync());
  tf.dispose([result.maps, result.gradAbs]);
  return { camHeight, camWidth, cams: Float32Array.from(cams), gradientMeanAbs };
}

/** Softmax probabilities [N x K] of the logits, as plain numbers. */
export function probabilitiesOf(logits: tf.Tensor2D): { probs: Float32Array; classes: number } {
  const probs = tf.tidy(() => tf.softmax(logits).dataSync() as Float32Array);
  return { probs: Float32Array.from(probs), classes: logits.shape[1] };
}

export function argmaxRow(probs: Float32Array, classes: number, row: number): number {
  let best = 0;
  for (let k = 1; k < classes; k++) {
    if (probs[row * classes + k] > probs[row * classes + best]) best = k;
  }
  return best;
}
