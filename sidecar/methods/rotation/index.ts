/**
 * The rotation pretext method along a chain of scales: RotNet is the chain [1],
 * ScaleNet e.g. [0.5, 1]. The network predicts which of four rotations an image shows.
 */
import { buildModel } from '../../models/buildModel';
import type { PretextMethod } from '../types';
import { rotationTask } from './rotationTask';

export const rotationMethod: PretextMethod = {
  names: ['rotnet', 'scalenet'],
  heldOutMeasure: 'rotation accuracy (4-way) on held-out images',
  buildModel: (config, spec) =>
    buildModel(spec, { inputChannels: config.data.channels, classes: 4, seed: config.seed }),
  task: rotationTask,
};
