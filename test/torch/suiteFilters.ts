/**
 * Which of tfjs-core's op tests run on the torch backend: all of ops/*_test.js except the
 * exclusions below, each with its reason. A test is excluded when its full name
 * ("<describe> torch {} <it>") contains `match`.
 */
export interface TestFilter {
  startsWith?: string;
  include?: string;
  excludes?: string[];
}

/** Kernels the backend does not implement: no path of the project calls them. */
const NOT_IMPLEMENTED: [describe: string, kernel: string][] = [
  ['einsum', 'Einsum'],
  // These three describe names end in a space.
  ['raggedRange ', 'RaggedRange'],
  ['raggedTensorToTensor ', 'RaggedTensorToTensor'],
  ['raggedGather ', 'RaggedGather'],
  ['conv3d', 'Conv3D'],
  ['conv3dTranspose', 'Conv3DBackpropInputV2'],
  ['avgPool3d', 'AvgPool3D'],
  ['avgPool3dBackprop', 'AvgPool3DGrad'],
  ['maxPool3d', 'MaxPool3D'],
  ['maxPool3dBackprop', 'MaxPool3DGrad'],
  ['dilation2d', 'Dilation2D'],
  ['unique', 'Unique'],
  ['maxPoolWithArgmax', 'MaxPoolWithArgmax'],
  ['batchToSpaceND', 'BatchToSpaceND'],
  ['spaceToBatchND', 'SpaceToBatchND'],
  ['batchToSpaceND X spaceToBatchND', 'BatchToSpaceND'],
  ['sparseToDense', 'SparseToDense'],
  ['mirrorPad', 'MirrorPad'],
  ['scatterND', 'ScatterNd'],
  ['denseBincount', 'DenseBincount'],
  ['bincount', 'Bincount'],
  ['tensorScatterUpdate', 'TensorScatterUpdate'],
  ['multinomial', 'Multinomial'],
  ['gatherND', 'GatherNd'],
  ['broadcastArgs', 'BroadcastArgs'],
  ['searchSorted', 'SearchSorted'],
  ['lowerBound', 'SearchSorted'],
  ['upperBound', 'SearchSorted'],
  ['depthToSpace', 'DepthToSpace'],
  ['bitwiseAnd', 'BitwiseAnd'],
  ['diag', 'Diag'],
  ['localResponseNormalization with Tensor3D', 'LRN'],
  ['localResponseNormalization with Tensor4D', 'LRN'],
];

/** Substrings of test names that do not run on torch, and why. */
export const EXCLUSIONS: { match: string; reason: string }[] = [
  ...NOT_IMPLEMENTED.map(([describe, kernel]) => ({
    match: `${describe} torch {}`,
    reason: `kernel ${kernel} is not implemented on torch (no path of the project calls it)`,
  })),
  { match: 'complex', reason: 'complex64 is not supported on torch (float32, int32, bool are)' },
  { match: 'IFFT', reason: 'complex64 (FFT) is not supported on torch' },
  { match: 'FFT torch', reason: 'complex64 (FFT) is not supported on torch' },
  {
    match: 'upcasts when dtypes dont match',
    reason: 'the test upcasts to complex64, not supported on torch',
  },
  { match: 'string', reason: 'string tensors are not supported on torch' },
  { match: 'squeeze torch {} default', reason: 'fills a string tensor, not supported on torch' },
  {
    match: 'squeeze torch {} specific dimension',
    reason: 'fills a string tensor, not supported on torch',
  },
  { match: 'squeeze torch {} all ones', reason: 'fills a string tensor, not supported on torch' },
  {
    match: 'squeeze torch {} squeeze only ones',
    reason: 'fills a string tensor, not supported on torch',
  },
  { match: 'NCHW', reason: 'dataFormat NCHW is not supported on torch (tfjs models are NHWC)' },
  {
    match: 'ignores NaNs',
    reason:
      "ATen's max/argmax/argmin/max-pool propagate NaN (PyTorch semantics); tfjs's cpu skips NaNs",
  },
  {
    match: 'f=[1,1] s=2 p=1 fractional outputs',
    reason:
      'a 1x1 window that lies wholly in the explicit padding: tfjs expects an input value there, ATen pools only padding (-inf / 0 of 0 cells); no project model pads a pool beyond its window',
  },
  {
    match: 'input=8x8x8,output=4x4x8,f=8,s=1,inDepth=8,p=same vec4',
    reason:
      "dy (8x8) is not the convolution output of the test's inputShape (4x4), a geometry oneDNN rejects; tfjs's cpu loops accept it",
  },
  { match: ' d=2', reason: 'dilated pools go through SpaceToBatchND, not implemented on torch' },
];

export const TEST_FILTERS: TestFilter[] = [
  { startsWith: '', excludes: EXCLUSIONS.map((e) => e.match) },
];
