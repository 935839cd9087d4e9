/** SimCLR's own defaults and rules. */
import { numbers, type ConfigRule } from '../tree';
import type { MethodConfigRules } from './types';

const cropBoundsInOrder: ConfigRule = ({ node, add }) => {
  const cropNode = node(['simclr', 'cropScale']);
  const crop = numbers(cropNode);
  if (crop?.length === 2 && crop[0] > crop[1]) {
    add(
      cropNode!,
      'simclr.cropScale',
      'has its smaller bound second',
      'Give [smallest, largest] area fractions, e.g. [0.08, 1].',
    );
  }
};

export const simclrRules: MethodConfigRules = {
  /**
   * SimCLR trains with Adam, whose useful step sizes are ~50x below SGD's (the schema's
   * pretext.lr default), and SimCLR's weight decay is 1e-6, not RotNet's 5e-4. The schema
   * cannot make defaults depend on the method, so these are filled in before its own.
   */
  pretextDefaults: { lr: [0.001], weightDecay: 1e-6 },
  rules: [cropBoundsInOrder],
};
