/**
 * Readers of .npy and safetensors written from the format descriptions, independent of
 * the sidecar's writers, so a round trip through them checks the bytes, not the code.
 */
export interface ReadTensor {
  shape: number[];
  values: Float32Array;
}

/** NumPy .npy v1/v2 with a little-endian float32, C-order array. */
export function readNpy(bytes: Buffer): ReadTensor {
  if (bytes[0] !== 0x93 || bytes.toString('latin1', 1, 6) !== 'NUMPY') {
    throw new Error('not an .npy file (magic)');
  }
  const major = bytes[6];
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = bytes.toString('latin1', start, start + headerLength);
  if (!/'descr':\s*'<f4'/.test(header)) throw new Error(`not <f4: ${header}`);
  if (!/'fortran_order':\s*False/.test(header)) throw new Error(`fortran order: ${header}`);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '';
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const dataStart = start + headerLength;
  if (dataStart % 64 !== 0) throw new Error(`data starts at ${dataStart}, not 64-aligned`);
  const count = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = bytes.readFloatLE(dataStart + 4 * i);
  return { shape, values };
}

export interface Safetensors {
  metadata: Record<string, string>;
  tensors: Map<string, ReadTensor>;
  /** Names in the order of their data in the file. */
  order: string[];
}

export function readSafetensors(bytes: Buffer): Safetensors {
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.toString('utf8', 8, 8 + n)) as Record<string, unknown>;
  const base = 8 + n;
  const tensors = new Map<string, ReadTensor>();
  const entries: [string, number][] = [];
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = value as Record<string, string>;
      continue;
    }
    const entry = value as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (entry.dtype !== 'F32') throw new Error(`${name}: dtype ${entry.dtype}`);
    const [begin, end] = entry.data_offsets;
    const count = entry.shape.reduce((a, b) => a * b, 1);
    if (end - begin !== 4 * count) throw new Error(`${name}: ${end - begin} bytes for ${count}`);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = bytes.readFloatLE(base + begin + 4 * i);
    tensors.set(name, { shape: entry.shape, values });
    entries.push([name, begin]);
  }
  const order = entries.sort((a, b) => a[1] - b[1]).map(([name]) => name);
  return { metadata, tensors, order };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths ${a.length} and ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
