/**
 * NumPy's .npy format, version 1.0, for one little-endian float32 array: the magic
 * `\x93NUMPY`, version bytes 1 0, a 2-byte little-endian header length, an ASCII dict
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (n, d), }` padded with spaces and
 * ended by a newline so the data starts at a multiple of 64 bytes, then the raw values.
 * (numpy.lib.format documents it; ten lines do not justify a dependency.)
 */
export function encodeNpyFloat32(values: Float32Array, shape: number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== values.length) {
    throw new RangeError(`shape ${shape.join('x')} holds ${count} values, got ${values.length}`);
  }
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  const preamble = 10;
  const padded = Math.ceil((preamble + dict.length + 1) / 64) * 64;
  const header = dict.padEnd(padded - preamble - 1, ' ') + '\n';
  const out = new Uint8Array(padded + values.length * 4);
  out.set([0x93, ...Buffer.from('NUMPY', 'latin1'), 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), preamble);
  const view = new DataView(out.buffer, padded);
  // Explicit little-endian writes: correct on any host byte order.
  values.forEach((v, i) => view.setFloat32(4 * i, v, true));
  return out;
}
