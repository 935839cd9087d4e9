/**
 * Convolution, pooling, batch-norm and fused-matmul kernels: tfjs's own geometry helpers
 * (backend_util.computeConv2DInfo / computePool2DInfo) work out the padding, so 'same'
 * means exactly what it means on the cpu and wasm backends, uneven padding included; the
 * native side gets explicit pads [top, bottom, left, right].
 */
import { backend_util } from '@tensorflow/tfjs-core';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { TorchBackend } from './backend';

type Conv2DInfo = backend_util.Conv2DInfo;
type Inputs = Record<string, TensorInfo | undefined>;
type Attrs = Record<string, unknown>;

function geometry(info: Conv2DInfo): NamedAttrMap {
  const { top, bottom, left, right } = info.padInfo;
  return {
    pads: [top, bottom, left, right],
    strides: [info.strideHeight, info.strideWidth],
    dilations: [info.dilationHeight, info.dilationWidth],
  };
}

function nhwcOnly(kernel: string, dataFormat: unknown): void {
  if (dataFormat != null && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new Error(
      `torch backend, kernel ${kernel}: dataFormat ${JSON.stringify(dataFormat)} is not supported (NHWC is)`,
    );
  }
}

function need(inputs: Inputs, name: string, kernel: string): TensorInfo {
  const t = inputs[name];
  if (t == null) throw new Error(`torch backend, kernel ${kernel}: input ${name} is missing`);
  return t;
}

type Conv = (ins: Inputs, attrs: Attrs) => { inputs: TensorInfo[]; attrs: NamedAttrMap };

function kernel(name: string, prepare: Conv): KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const prepared = prepare(inputs, attrs ?? {});
    return (backend as TorchBackend).runNative1(name, prepared.inputs, prepared.attrs);
  };
}

type ConvAttrs = {
  strides: number | [number, number];
  pad: backend_util.PadInfo['type'] | number | backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

function convInfo(
  kernelName: string,
  xShape: number[],
  filterShape: number[],
  a: ConvAttrs,
  depthwise: boolean,
): Conv2DInfo {
  nhwcOnly(kernelName, a.dataFormat);
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    a.strides,
    a.dilations ?? 1,
    a.pad as 'same',
    a.dimRoundingMode,
    depthwise,
  );
}

function forward(name: string, depthwise: boolean, fused: boolean): Conv {
  return (ins, attrs) => {
    const x = need(ins, 'x', name);
    const filter = need(ins, 'filter', name);
    const info = convInfo(name, x.shape, filter.shape, attrs as unknown as ConvAttrs, depthwise);
    const inputs = [x, filter];
    const extra: NamedAttrMap = {};
    if (fused) {
      const bias = ins.bias;
      const prelu = ins.preluActivationWeights;
      if (bias != null) inputs.push(bias);
      if (prelu != null) inputs.push(prelu);
      Object.assign(extra, {
        hasBias: bias != null,
        hasPrelu: prelu != null,
        activation: (attrs.activation as string | undefined) ?? 'linear',
        leakyreluAlpha: (attrs.leakyreluAlpha as number | undefined) ?? 0.2,
      });
    }
    return { inputs, attrs: { ...geometry(info), ...extra } };
  };
}

function backpropInput(name: string, depthwise: boolean): Conv {
  return (ins, attrs) => {
    const dy = need(ins, 'dy', name);
    const filter = need(ins, 'filter', name);
    const inShape = attrs.inputShape as number[];
    const info = convInfo(name, inShape, filter.shape, attrs as unknown as ConvAttrs, depthwise);
    return { inputs: [dy, filter], attrs: { ...geometry(info), inShape } };
  };
}

function backpropFilter(name: string, depthwise: boolean): Conv {
  return (ins, attrs) => {
    const x = need(ins, 'x', name);
    const dy = need(ins, 'dy', name);
    const filterShape = attrs.filterShape as number[];
    const info = convInfo(name, x.shape, filterShape, attrs as unknown as ConvAttrs, depthwise);
    return { inputs: [x, dy], attrs: { ...geometry(info), filterShape } };
  };
}

type PoolAttrs = {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

function poolAttrs(xShape: number[], a: PoolAttrs): NamedAttrMap {
  const info = backend_util.computePool2DInfo(
    xShape as [number, number, number, number],
    a.filterSize,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
  );
  return {
    ...geometry(info),
    filterSize: [info.filterHeight, info.filterWidth],
    inSize: [info.inHeight, info.inWidth],
    outSize: [info.outHeight, info.outWidth],
  };
}

function pool(name: string, inputNames: string[]): Conv {
  return (ins, attrs) => {
    const inputs = inputNames.map((n) => need(ins, n, name));
    // The forward's input is the first named 'x' or 'input'.
    const source = inputs[inputNames.findIndex((n) => n === 'x' || n === 'input')];
    return { inputs, attrs: poolAttrs(source.shape, attrs as unknown as PoolAttrs) };
  };
}

const batchNorm: Conv = (ins, attrs) => {
  const name = 'FusedBatchNorm';
  const inputs = [need(ins, 'x', name), need(ins, 'mean', name), need(ins, 'variance', name)];
  if (ins.offset != null) inputs.push(ins.offset);
  if (ins.scale != null) inputs.push(ins.scale);
  return {
    inputs,
    attrs: {
      hasOffset: ins.offset != null,
      hasScale: ins.scale != null,
      varianceEpsilon: (attrs.varianceEpsilon as number | undefined) ?? 0.001,
    },
  };
};

const fusedMatMul: Conv = (ins, attrs) => {
  const name = '_FusedMatMul';
  const inputs = [need(ins, 'a', name), need(ins, 'b', name)];
  if (ins.bias != null) inputs.push(ins.bias);
  if (ins.preluActivationWeights != null) inputs.push(ins.preluActivationWeights);
  return {
    inputs,
    attrs: {
      transposeA: attrs.transposeA === true,
      transposeB: attrs.transposeB === true,
      hasBias: ins.bias != null,
      hasPrelu: ins.preluActivationWeights != null,
      activation: (attrs.activation as string | undefined) ?? 'linear',
      leakyreluAlpha: (attrs.leakyreluAlpha as number | undefined) ?? 0.2,
    },
  };
};

export const convKernels: Record<string, KernelFunc> = {
  Conv2D: kernel('Conv2D', forward('Conv2D', false, false)),
  FusedConv2D: kernel('FusedConv2D', forward('FusedConv2D', false, true)),
  DepthwiseConv2dNative: kernel(
    'DepthwiseConv2dNative',
    forward('DepthwiseConv2dNative', true, false),
  ),
  FusedDepthwiseConv2D: kernel('FusedDepthwiseConv2D', forward('FusedDepthwiseConv2D', true, true)),
  Conv2DBackpropInput: kernel('Conv2DBackpropInput', backpropInput('Conv2DBackpropInput', false)),
  Conv2DBackpropFilter: kernel(
    'Conv2DBackpropFilter',
    backpropFilter('Conv2DBackpropFilter', false),
  ),
  DepthwiseConv2dNativeBackpropInput: kernel(
    'DepthwiseConv2dNativeBackpropInput',
    backpropInput('DepthwiseConv2dNativeBackpropInput', true),
  ),
  DepthwiseConv2dNativeBackpropFilter: kernel(
    'DepthwiseConv2dNativeBackpropFilter',
    backpropFilter('DepthwiseConv2dNativeBackpropFilter', true),
  ),
  MaxPool: kernel('MaxPool', pool('MaxPool', ['x'])),
  MaxPoolGrad: kernel('MaxPoolGrad', pool('MaxPoolGrad', ['dy', 'input'])),
  AvgPool: kernel('AvgPool', pool('AvgPool', ['x'])),
  AvgPoolGrad: kernel('AvgPoolGrad', pool('AvgPoolGrad', ['dy', 'input'])),
  FusedBatchNorm: kernel('FusedBatchNorm', batchNorm),
  _FusedMatMul: kernel('_FusedMatMul', fusedMatMul),
};
