/**
 * `TorchBackend`: a tfjs-core KernelBackend whose tensors live in libtorch. Each dataId
 * owns one native handle (as tfjs-node's NodeJSKernelBackend owns one TFE tensor); the
 * only copies between JS and C++ are `write`/`move` (upload) and `read`/`readSync`
 * (download). Kernels call `runNative`, one generic executor.
 */
import { DataStorage, KernelBackend, engine, util } from '@tensorflow/tfjs-core';
import type {
  BackendTimingInfo,
  BackendValues,
  DataId,
  DataType,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import type { TorchAddon, TorchDtype } from './addon';

interface TorchData {
  handle: number;
  dtype: DataType;
  refCount: number;
  /** A result not computed yet (fusedMoments.ts): made when first read. */
  deferred?: Deferred;
}

interface Deferred {
  /** Handles of its inputs, its own (TorchAlias), so they outlive their tfjs tensors. */
  inputs: number[];
  make: (inputs: number[]) => number;
}

function nativeValues(
  values: BackendValues | null,
  size: number,
  dtype: DataType,
): Float32Array | Int32Array | Uint8Array {
  switch (dtype) {
    case 'float32':
      if (values == null) return new Float32Array(size);
      return values instanceof Float32Array
        ? values
        : new Float32Array(values as ArrayLike<number>);
    case 'int32':
      if (values == null) return new Int32Array(size);
      return values instanceof Int32Array ? values : new Int32Array(values as ArrayLike<number>);
    case 'bool':
      if (values == null) return new Uint8Array(size);
      return values instanceof Uint8Array
        ? values
        : Uint8Array.from(values as ArrayLike<number>, (v) => (v ? 1 : 0));
    default:
      throw new Error(
        `torch backend: dtype ${dtype} is not supported (float32, int32 and bool are); ` +
          'run this model on the wasm or cpu backend',
      );
  }
}

export class TorchBackend extends KernelBackend {
  private readonly data: DataStorage<TorchData>;
  /** Told of every dataId freed (fusedMoments.ts frees what it kept for it). */
  private readonly disposeListeners: ((dataId: DataId) => void)[] = [];

  constructor(readonly addon: TorchAddon) {
    super();
    this.data = new DataStorage<TorchData>(this, engine());
  }

  override write(values: BackendValues | null, shape: number[], dtype: DataType): DataId {
    const dataId = {};
    this.move(dataId, values, shape, dtype, 1);
    return dataId;
  }

  override move(
    dataId: DataId,
    values: BackendValues | null,
    shape: number[],
    dtype: DataType,
    refCount: number,
  ): void {
    const handle = this.addon.upload(
      nativeValues(values, util.sizeFromShape(shape), dtype),
      shape,
      dtype as TorchDtype,
    );
    this.data.set(dataId, { handle, dtype, refCount });
  }

  /** Wraps a native output as a tfjs TensorInfo owning a new dataId. */
  adopt(handle: number, shape: number[], dtype: DataType): TensorInfo {
    const dataId = {};
    this.data.set(dataId, { handle, dtype, refCount: 1 });
    return { dataId, shape, dtype };
  }

  /** The native tensor of a dataId; a deferred one is made now. */
  handleOf(dataId: DataId): number {
    const entry = this.data.get(dataId);
    const deferred = entry.deferred;
    if (deferred != null) {
      entry.handle = deferred.make(deferred.inputs);
      entry.deferred = undefined;
      for (const h of deferred.inputs) this.addon.dispose(h);
    }
    return entry.handle;
  }

  /**
   * A tensor whose data `make` computes from `inputs` only when something reads it (a
   * kernel, a download); freed unmade if nothing does.
   */
  deferred(
    shape: number[],
    dtype: DataType,
    inputs: TensorInfo[],
    make: (inputs: number[]) => number,
  ): TensorInfo {
    const aliases = inputs.map((t) => this.runNativeHandle('TorchAlias', [t]));
    const dataId = {};
    this.data.set(dataId, { handle: 0, dtype, refCount: 1, deferred: { inputs: aliases, make } });
    return { dataId, shape, dtype };
  }

  isDeferred(dataId: DataId): boolean {
    return this.data.get(dataId).deferred != null;
  }

  /** Runs one native kernel; inputs are viewed to their TensorInfo shapes. */
  runNative(kernel: string, inputs: TensorInfo[], attrs: object = {}): TensorInfo[] {
    const handles = inputs.map((t) => this.handleOf(t.dataId));
    const shapes = inputs.map((t) => t.shape);
    return this.addon.run(kernel, handles, shapes, attrs).map(([h, s, d]) => this.adopt(h, s, d));
  }

  /** One native kernel on raw handles; its first output's handle (the rest are freed). */
  runNativeHandles(kernel: string, handles: number[], shapes: number[][], attrs = {}): number {
    const [first, ...rest] = this.addon.run(kernel, handles, shapes, attrs);
    for (const [h] of rest) this.addon.dispose(h);
    return first[0];
  }

  private runNativeHandle(kernel: string, inputs: TensorInfo[]): number {
    return this.runNativeHandles(
      kernel,
      inputs.map((t) => this.handleOf(t.dataId)),
      inputs.map((t) => t.shape),
    );
  }

  runNative1(kernel: string, inputs: TensorInfo[], attrs: object = {}): TensorInfo {
    const outs = this.runNative(kernel, inputs, attrs);
    return outs[0];
  }

  override refCount(dataId: DataId): number {
    return this.data.has(dataId) ? this.data.get(dataId).refCount : 0;
  }

  override incRef(dataId: DataId): void {
    this.data.get(dataId).refCount++;
  }

  override numDataIds(): number {
    return this.data.numDataIds();
  }

  override read(dataId: DataId): Promise<BackendValues> {
    return Promise.resolve(this.readSync(dataId));
  }

  override readSync(dataId: DataId): BackendValues {
    return this.addon.download(this.handleOf(dataId));
  }

  override disposeData(dataId: DataId, force = false): boolean {
    if (!this.data.has(dataId)) return true;
    const entry = this.data.get(dataId);
    entry.refCount--;
    if (!force && entry.refCount > 0) return false;
    if (entry.deferred) for (const h of entry.deferred.inputs) this.addon.dispose(h);
    else this.addon.dispose(entry.handle);
    this.data.delete(dataId);
    for (const listener of this.disposeListeners) listener(dataId);
    return true;
  }

  onDisposeData(listener: (dataId: DataId) => void): void {
    this.disposeListeners.push(listener);
  }

  /** Frees an intermediate a kernel made and does not return. */
  disposeIntermediate(info: TensorInfo): void {
    this.disposeData(info.dataId);
  }

  override memory(): { unreliable: boolean; reasons?: string[] } {
    // tfjs counts bytes itself from shapes and dtypes; the addon's count is nativeTensors().
    return { unreliable: false };
  }

  nativeTensors(): number {
    return this.addon.count();
  }

  override timerAvailable(): boolean {
    return true;
  }

  override time(f: () => void): Promise<BackendTimingInfo> {
    const start = util.now();
    f();
    return Promise.resolve({ kernelMs: util.now() - start });
  }

  override floatPrecision(): 32 {
    return 32;
  }

  override epsilon(): number {
    return 1e-7;
  }

  override dispose(): void {
    // Tensors are freed one by one through disposeData; the addon's store outlives this.
  }
}
