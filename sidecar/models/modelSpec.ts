/** Maps the config's flat `model` section onto the builders' ModelSpec. */
import type { ModelSpec } from './buildModel';
import type { ModelConfig } from '../protocol';

export function modelSpecOf(model: ModelConfig): ModelSpec {
  switch (model.arch) {
    case 'resnet':
      return { arch: 'resnet', blocks: model.blocks, widths: model.widths, stem: model.stem };
    case 'resnet18':
    case 'resnet34':
    case 'resnet50':
      return { arch: model.arch, stem: model.stem, width: model.width };
    case 'alexnet':
      return { arch: 'alexnet', variant: model.variant };
    case 'nin':
      return { arch: 'nin', blocks: model.ninBlocks, width: model.width };
  }
}
