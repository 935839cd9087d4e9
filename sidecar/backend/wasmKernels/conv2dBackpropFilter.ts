/**
 * `Conv2DBackpropFilter` for the wasm backend, which does not ship one (so without it no
 * conv net can train on wasm).
 *
 * dW[i,j,c,o] = sum_{n,y,x} xPadded[n, y*s + i, x*t + j, c] * dy[n, y, x, o]
 *
 * That sum is itself a convolution, which XNNPACK runs fast: take x transposed to
 * [Cin, H, W, N] as the input batch (batch = Cin, channels = N) and dy transposed to
 * [Ho, Wo, N, Cout] as the filter, with dilation = the forward stride. The output is
 * [Cin, kh', kw', Cout] with kh' >= kh (the extra rows appear when a VALID conv skipped
 * trailing input rows); slice to kh x kw and transpose to [kh, kw, Cin, Cout].
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  backend_util,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { conv2d, disposeAll, input, slice, transpose } from './wasmOps';

const conv2DBackpropFilterWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const x = input(inputs, 'x');
  const dy = input(inputs, 'dy');
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    attrs as unknown as Conv2DBackpropFilterAttrs;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  if (info.dataFormat !== 'channelsLast') {
    throw new Error('wasm Conv2DBackpropFilter supports NHWC only');
  }
  const { inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, inChannels, outChannels } = info;
  const { top, left } = info.padInfo;
  // Pad the far side just enough that the dilated dy "filter" fits; never negative (XNNPACK
  // takes unsigned padding): any surplus output rows are sliced away below.
  const bottom = Math.max(0, filterHeight + (outHeight - 1) * strideHeight - inHeight - top);
  const right = Math.max(0, filterWidth + (outWidth - 1) * strideWidth - inWidth - left);

  const temps: TensorInfo[] = [];
  try {
    const xT = transpose(wasm, x, [3, 1, 2, 0]);
    temps.push(xT);
    const dyT = transpose(wasm, dy, [1, 2, 0, 3]);
    temps.push(dyT);
    let dW = conv2d(
      wasm,
      xT,
      dyT,
      [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      [strideHeight, strideWidth],
    );
    temps.push(dW);
    if (dW.shape[1] !== filterHeight || dW.shape[2] !== filterWidth) {
      dW = slice(wasm, dW, [0, 0, 0, 0], [inChannels, filterHeight, filterWidth, outChannels]);
      temps.push(dW);
    }
    return transpose(wasm, dW, [1, 2, 0, 3]);
  } finally {
    disposeAll(wasm, temps);
  }
};

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilterWasm,
};
