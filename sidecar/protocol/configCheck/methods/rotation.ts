/** The rotation methods' own rules: RotNet is the chain [1]; ScaleNet is a chain of scales. */
import type { ConfigRule } from '../tree';
import type { MethodConfigRules } from './types';

const rotnetIsOneScale: ConfigRule = ({ node, add, method }) => {
  const list = node(['pretext', 'scales']);
  if (method === 'rotnet' && list?.type === 'array' && (list.children?.length ?? 0) > 1) {
    add(
      list,
      'pretext.scales',
      'has several scales but method is "rotnet"',
      'Use "method": "scalenet" for a chain of scales, or "scales": [1] for RotNet.',
    );
  }
};

export const rotationRules: MethodConfigRules = { rules: [rotnetIsOneScale] };
