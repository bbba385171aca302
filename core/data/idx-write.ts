/** Encodes unsigned-byte IDX arrays (the inverse of idx.ts for type 0x08), e.g. for the shipped sample. */
export function encodeIdxUbyte(dims: number[], values: Uint8Array): Uint8Array {
  const items = dims.reduce((p, n) => p * n, 1);
  if (values.length !== items) throw new Error(`IDX dims ${dims.join(' x ')} need ${items} values, got ${values.length}`);
  const header = 4 + 4 * dims.length;
  const out = new Uint8Array(header + values.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x00000800 | dims.length);
  dims.forEach((n, i) => view.setUint32(4 + 4 * i, n));
  out.set(values, header);
  return out;
}
