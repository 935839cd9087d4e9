/**
 * The two explicit sub-models Grad-CAM needs for a named stage/block: a trunk from the
 * image to the stage's output (several stages at once) and, per stage, a head from
 * that output to the logits. The head is rebuilt by walking the functional graph
 * backwards from the logits and re-applying each layer (shared weights) to the rebuilt
 * inputs, so residual nets work: a skip connection is followed like any other edge.
 * Re-applying layers "in order" only works for chains, which the ResNets are not.
 */
import * as tf from '@tensorflow/tfjs';
import { ParamsError } from '../inspect/errors';
import { namedOutputs } from '../models/buildModel';

/** A bad `stages` parameter: the client's to fix, so it answers as invalid params. */
export class StageNameError extends ParamsError {}

/** Checks the names against the model's `stage*`/`block*` outputs; empty means all of them. */
export function checkStages(model: tf.LayersModel, stages: string[]): string[] {
  const known = namedOutputs(model);
  if (stages.length === 0) return known;
  const unknown = stages.filter((s) => !known.includes(s));
  if (unknown.length > 0) {
    throw new StageNameError(
      `unknown stage${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: this model has ${known.join(', ') || 'no named outputs'}`,
    );
  }
  return stages;
}

/** The stage's output in the model's own graph (node 0: heads re-apply layers, adding nodes). */
function stageOutput(model: tf.LayersModel, stage: string): tf.SymbolicTensor {
  return model.getLayer(stage).getOutputAt(0) as tf.SymbolicTensor;
}

/** Image → the named outputs, in the order asked. Shares the model's weights; never dispose it. */
export function trunkModel(model: tf.LayersModel, stages: string[]): tf.LayersModel {
  const outputs = stages.map((s) => stageOutput(model, s));
  return tf.model({ inputs: model.inputs, outputs, name: `${model.name}_stages` });
}

/**
 * Stage output → logits. Throws when some path to the logits bypasses the stage (the
 * stage is then not a cut of the network and its gradient alone would not explain it).
 */
export function headModel(model: tf.LayersModel, stage: string): tf.LayersModel {
  const cut = stageOutput(model, stage);
  const input = tf.input({ shape: cut.shape.slice(1), name: `${stage}_cam_input` });
  const rebuilt = new Map<number, tf.SymbolicTensor>([[cut.id, input]]);
  const rebuild = (t: tf.SymbolicTensor): tf.SymbolicTensor => {
    const known = rebuilt.get(t.id);
    if (known) return known;
    if (t.inputs.length === 0) {
      throw new StageNameError(
        `${stage} is not a cut of ${model.name}: ${t.name} reaches the logits around it`,
      );
    }
    const inputs = t.inputs.map(rebuild);
    const applied = t.sourceLayer.apply(inputs.length === 1 ? inputs[0] : inputs, t.callArgs);
    const out = Array.isArray(applied) ? applied[t.outputTensorIndex ?? 0] : applied;
    rebuilt.set(t.id, out as tf.SymbolicTensor);
    return out as tf.SymbolicTensor;
  };
  const logits = rebuild(model.outputs[0]);
  return tf.model({ inputs: input, outputs: logits, name: `${stage}_to_logits` });
}
