/**
 * Input order of each native kernel (the C++ side reads `in[0]`, `in[1]`… in this order),
 * and the kernels implemented in JS on top of the native ones.
 */
import type { KernelFunc } from '@tensorflow/tfjs-core';
import { jsKernels } from './kernelsJs';

export const X = ['x'] as const;
const AB = ['a', 'b'] as const;

export const INPUT_ORDER: Record<string, readonly string[]> = {
  Add: AB,
};

export const JS_KERNELS: Record<string, KernelFunc> = jsKernels;
