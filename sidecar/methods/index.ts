/**
 * The pretext methods by name, like solo-learn's METHODS table: the runner looks a
 * config's `method` up here and never branches on it. A new method is a folder with a
 * PretextMethod and one line in this table (and its rules in protocol/configCheck).
 */
import type { Method } from '../protocol';
import { rotationMethod } from './rotation';
import { simclrMethod } from './simclr';
import type { PretextMethod } from './types';

export type { PretextMethod } from './types';

export const METHODS: Readonly<Record<Method, PretextMethod>> = {
  rotnet: rotationMethod,
  scalenet: rotationMethod,
  simclr: simclrMethod,
};

export function methodNamed(name: Method): PretextMethod {
  return METHODS[name];
}
