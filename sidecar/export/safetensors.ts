/**
 * The safetensors format (huggingface/safetensors): an 8-byte little-endian header
 * length N, N bytes of JSON `{name: {dtype, shape, data_offsets: [begin, end]}, ...,
 * "__metadata__": {string: string}}` (offsets relative to the byte buffer that follows),
 * then the tensors' raw little-endian bytes back to back. The header is padded with
 * spaces to a multiple of 8 bytes, as the reference writer does, so the data is aligned.
 * Only float32 is written: every tfjs weight here is float32.
 */
export interface NamedTensor {
  name: string;
  shape: number[];
  values: Float32Array;
}

interface HeaderEntry {
  dtype: 'F32';
  shape: number[];
  data_offsets: [number, number];
}

export function encodeSafetensors(
  tensors: NamedTensor[],
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, HeaderEntry | Record<string, string>> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    if (t.name in header) throw new RangeError(`tensor ${t.name} appears twice`);
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.values.length) {
      throw new RangeError(
        `${t.name}: shape ${t.shape.join('x')} holds ${count} values, got ${t.values.length}`,
      );
    }
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }
  const json = JSON.stringify(header);
  const length = Buffer.byteLength(json, 'utf8');
  const headerBytes = Buffer.from(json + ' '.repeat(Math.ceil(length / 8) * 8 - length), 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of tensors) {
    t.values.forEach((v, i) => view.setFloat32(at + 4 * i, v, true));
    at += 4 * t.values.length;
  }
  return out;
}
