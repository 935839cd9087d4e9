/**
 * Each method's config defaults and rules by name; sidecar/methods/ registers the same
 * names with their training code (a method is added in both tables).
 */
import { rotationRules } from './rotation';
import { simclrRules } from './simclr';
import type { MethodConfigRules } from './types';

export type { MethodConfigRules } from './types';

export const METHOD_CONFIG_RULES: Readonly<Record<string, MethodConfigRules>> = {
  rotnet: rotationRules,
  scalenet: rotationRules,
  simclr: simclrRules,
};
