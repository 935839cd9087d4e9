/**
 * `gradcam/compute`: maps of a run's checkpoint for a few images at several stages.
 * Images go through the network in chunks (a few tens of activations per stage at a
 * time), and every tensor is disposed before the answer goes out.
 */
import { throwIfCancelled, type Cancellable } from '../util/cancellation';
import * as tf from '@tensorflow/tfjs';
import { labelledSplit } from './labelledSplits';
import { ParamsError } from '../inspect/errors';
import { encodePngBase64 } from '../inspect/png';
import type {
  GradcamComputeParams,
  GradcamComputeResult,
  GradcamImageResult,
  GradcamMap,
  GradcamMethod,
  GradcamModelKind,
  GradcamTarget,
} from '../protocol';
import { argmaxRow, probabilitiesOf, stageCams, type StageCams } from './camMath';
import { blendOverlay, toRgb } from './overlay';
import {
  networkInput,
  shownImage,
  sourceImages,
  unrotateMap,
  type SourceImage,
} from './prepareImages';
import { openClassifierRun, openRun, type RunContext, type StatsCache } from './runContext';
import { checkStages, headModel, trunkModel } from './splitModel';

const CHUNK = 16;
const ROTATIONS = ['0°', '90°', '180°', '270°'];

function checkParams(params: GradcamComputeParams): {
  method: GradcamMethod;
  target: GradcamTarget;
  alpha: number;
  kind: GradcamModelKind;
} {
  const kind = params.model ?? 'pretext';
  if (kind !== 'pretext' && kind !== 'classifier') {
    throw new ParamsError(`model must be pretext or classifier, got ${String(kind)}`);
  }
  if (params.labels !== undefined && (!Number.isInteger(params.labels) || params.labels <= 0)) {
    throw new ParamsError(`labels must be a positive label budget, got ${params.labels}`);
  }
  const method = params.method ?? 'gradcam';
  if (method !== 'gradcam' && method !== 'gradcam++')
    throw new ParamsError(`unknown method ${String(method)}`);
  const alpha = params.overlayAlpha ?? 0.5;
  if (!(alpha >= 0 && alpha <= 1))
    throw new ParamsError(`overlayAlpha must be in 0..1, got ${alpha}`);
  const target = params.target ?? { kind: 'predicted' };
  if (target.kind === 'rotation' && ![0, 1, 2, 3].includes(target.rotation)) {
    throw new ParamsError(`rotation must be 0, 1, 2 or 3 (quarter turns), got ${target.rotation}`);
  }
  if (target.kind === 'rotation' && kind === 'classifier') {
    throw new ParamsError('a rotation target explains the pretext head; use model: pretext');
  }
  return { method, target, alpha, kind };
}

/** `targetClass` (a name or a head index) as a class target. */
function classTarget(targetClass: string | number, classNames: string[]): GradcamTarget {
  const byName = classNames.indexOf(String(targetClass));
  if (byName >= 0) return { kind: 'class', index: byName };
  const index = typeof targetClass === 'number' ? targetClass : Number(targetClass);
  if (Number.isInteger(index) && index >= 0 && index < classNames.length) {
    return { kind: 'class', index };
  }
  throw new ParamsError(
    `targetClass ${JSON.stringify(targetClass)} is not a class of this model: ${classNames.join(', ')}`,
  );
}

/** Names of the head's outputs: rotations for pretext models, else class numbers. */
function classNamesOf(run: RunContext): string[] {
  const units = run.model.outputs[0].shape[1] ?? 0;
  if (run.config.method !== 'simclr' && units === 4) return ROTATIONS;
  return Array.from({ length: units }, (_, k) => `class ${k}`);
}

function targetsOf(
  target: GradcamTarget,
  probs: Float32Array,
  classes: number,
  n: number,
): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => {
    switch (target.kind) {
      case 'predicted':
        return argmaxRow(probs, classes, i);
      case 'class':
        if (!Number.isInteger(target.index) || target.index < 0 || target.index >= classes) {
          throw new ParamsError(`class ${target.index} is outside the head's 0-${classes - 1}`);
        }
        return target.index;
      case 'rotation':
        return target.rotation;
    }
  });
}

interface ChunkResult {
  probs: Float32Array;
  classes: number;
  targets: Int32Array;
  perStage: StageCams[];
}

function explainChunk(
  run: RunContext,
  trunk: tf.LayersModel,
  heads: tf.LayersModel[],
  x: Float32Array,
  n: number,
  target: GradcamTarget,
  method: GradcamMethod,
): ChunkResult {
  const { size } = run;
  const channels = run.config.data.channels;
  const input = tf.tensor4d(x, [n, size, size, channels]);
  const acts = ([] as tf.Tensor[]).concat(trunk.predict(input)) as tf.Tensor4D[];
  const logits = run.model.predict(input) as tf.Tensor2D;
  try {
    const { probs, classes } = probabilitiesOf(logits);
    const targets = targetsOf(target, probs, classes, n);
    const perStage = heads.map((head, s) => stageCams(head, acts[s], targets, method, size, size));
    return { probs, classes, targets, perStage };
  } finally {
    tf.dispose([input, logits, ...acts]);
  }
}

export async function computeGradcam(
  params: GradcamComputeParams,
  cache: StatsCache,
  token?: Cancellable,
): Promise<GradcamComputeResult> {
  const started = performance.now();
  const checked = checkParams(params);
  const { method, alpha, kind } = checked;
  const classifier =
    kind === 'classifier' ? await openClassifierRun(params.runDir, params.labels) : undefined;
  const run = classifier ?? (await openRun(params.runDir, params, cache));
  // Each head re-applies layers, which counts as a use of their weights: disposing the
  // heads and then the model frees them. The trunk adds no use, so it is not disposed.
  const heads: tf.LayersModel[] = [];
  try {
    const stages = checkStages(run.model, params.stages);
    for (const stage of stages) heads.push(headModel(run.model, stage));
    const trunk = trunkModel(run.model, stages);
    const classNames = classifier?.classNames ?? classNamesOf(run);
    const target =
      params.targetClass !== undefined
        ? classTarget(params.targetClass, classNames)
        : checked.target;
    // A classifier learned the labelled set (evaluation.data when the pretext source was an
    // unlabelled pool): its images, labels and class names are that set's, as model/predict's.
    const sources: SourceImage[] = await sourceImages(
      params.images,
      run.config,
      classifier ? (split) => labelledSplit(run.runDir, run.config, split) : undefined,
    );
    const shown = sources.map((s) => shownImage(s.raster, run.config, run.size));
    const rotation = target.kind === 'rotation' ? target.rotation : 0;
    const plane = run.size * run.size;
    const images: GradcamImageResult[] = [];
    for (let start = 0; start < shown.length; start += CHUNK) {
      await throwIfCancelled(token, () => `${start} of ${shown.length} images`);
      const part = shown.slice(start, start + CHUNK);
      const chunk = explainChunk(
        run,
        trunk,
        heads,
        networkInput(part, run.stats, rotation),
        part.length,
        target,
        method,
      );
      part.forEach((img, i) => {
        const source = sources[start + i];
        const row = (k: number) => chunk.probs[i * chunk.classes + k];
        const predicted = argmaxRow(chunk.probs, chunk.classes, i);
        const t = chunk.targets[i];
        const maps = stages.map((stage, s): GradcamMap => {
          const stageResult = chunk.perStage[s];
          const cam = unrotateMap(
            stageResult.cams.subarray(i * plane, (i + 1) * plane),
            run.size,
            rotation,
          );
          return {
            stage,
            camHeight: stageResult.camHeight,
            camWidth: stageResult.camWidth,
            cam: Array.from(cam, (v) => Math.round(v * 1e4) / 1e4),
            overlay: encodePngBase64(blendOverlay(img, cam, alpha)),
            gradientMeanAbs: stageResult.gradientMeanAbs[i],
          };
        });
        images.push({
          index: source.index,
          label: source.label,
          className: source.className,
          name: source.name,
          width: run.size,
          height: run.size,
          image: encodePngBase64(toRgb(img)),
          predicted: {
            index: predicted,
            name: classNames[predicted] ?? String(predicted),
            probability: row(predicted),
          },
          target: { index: t, name: classNames[t] ?? String(t), probability: row(t) },
          maps,
        });
      });
    }
    return {
      runDir: run.runDir,
      checkpoint: run.checkpointDir,
      scale: run.scale,
      inputSize: run.size,
      method,
      classNames,
      model: kind,
      labels: classifier?.labels,
      stages,
      images,
      elapsedMs: performance.now() - started,
    };
  } finally {
    heads.forEach((h) => h.dispose());
    run.model.dispose();
  }
}
