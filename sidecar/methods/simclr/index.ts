/**
 * SimCLR along a chain of scales: SimCLR is the chain [1], multi-scale SimCLR (the
 * paper's variant) e.g. [0.5, 1]. The trunk carries a projection head and learns by
 * telling each view's positive apart from the batch's other views (NT-Xent).
 */
import { buildModel } from '../../models/buildModel';
import type { PretextMethod } from '../types';
import { buildSimclrModel } from './projectionHead';
import { simclrTask } from './simclrTask';

export const simclrMethod: PretextMethod = {
  names: ['simclr'],
  heldOutMeasure: 'contrastive top-1 accuracy (positive view nearest) on held-out images',
  buildModel: (config, spec) => {
    // The 4-way head of the built trunk is left out of the SimCLR model.
    const trunk = buildModel(spec, {
      inputChannels: config.data.channels,
      classes: 4,
      seed: config.seed,
    });
    const { projectionHidden, projectionDim } = config.simclr;
    return buildSimclrModel(trunk, {
      hidden: projectionHidden,
      out: projectionDim,
      seed: config.seed,
    });
  },
  task: simclrTask,
};
