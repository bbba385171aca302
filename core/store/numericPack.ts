import { StoreError } from './errors';

/*
 * Moves the large numeric arrays out of a JSON-like value into one binary blob, bit-exact
 * (NaN, -0 and every float64 survive, which JSON text does not guarantee), leaving a small JSON
 * skeleton in which each array is replaced by { "$f64": [offset, length] } (or "$f32" for a
 * Float32Array), and a lone NaN, ±Infinity or -0 by { "$number": "NaN" }. Used for checkpoints:
 * parameters and optimizer state go to blobs.
 */

const F64 = '$f64';
const F32 = '$f32';
/** A lone number JSON cannot hold exactly (NaN, ±Infinity, -0): { "$number": "NaN" }. */
const NUMBER = '$number';

export interface Packed {
  skeleton: unknown;
  blob: Uint8Array;
}

function isNumberArray(x: unknown): x is number[] {
  return Array.isArray(x) && x.length > 0 && x.every((v) => typeof v === 'number');
}

export function packNumbers(value: unknown): Packed {
  const chunks: { kind: 'f64' | 'f32'; values: ArrayLike<number> }[] = [];
  let byteLength = 0;
  const place = (kind: 'f64' | 'f32', values: ArrayLike<number>) => {
    if (kind === 'f64') byteLength = Math.ceil(byteLength / 8) * 8; // keep f64 runs aligned for zero-copy views
    const offset = byteLength;
    chunks.push({ kind, values });
    byteLength += values.length * (kind === 'f64' ? 8 : 4);
    return { [kind === 'f64' ? F64 : F32]: [offset, values.length] };
  };
  const walk = (x: unknown, where: string): unknown => {
    if (x instanceof Float64Array) return place('f64', x);
    if (x instanceof Float32Array) return place('f32', x);
    if (ArrayBuffer.isView(x)) throw new StoreError(`${where}: only Float32Array and Float64Array can be packed`);
    if (isNumberArray(x)) return place('f64', x);
    if (Array.isArray(x)) return x.map((v, i) => walk(v, `${where}[${i}]`));
    if (typeof x === 'object' && x !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(x)) {
        if (k === F64 || k === F32 || k === NUMBER) throw new StoreError(`${where}: the key "${k}" is reserved`);
        out[k] = walk(v, `${where}.${k}`);
      }
      return out;
    }
    if (typeof x === 'number' && (!Number.isFinite(x) || Object.is(x, -0))) return { [NUMBER]: Object.is(x, -0) ? '-0' : String(x) };
    return x;
  };
  const skeleton = walk(value, 'value');
  const blob = new Uint8Array(byteLength);
  const view = new DataView(blob.buffer);
  let at = 0;
  for (const { kind, values } of chunks) {
    if (kind === 'f64') {
      at = Math.ceil(at / 8) * 8;
      for (let i = 0; i < values.length; i++, at += 8) view.setFloat64(at, values[i], true);
    } else {
      for (let i = 0; i < values.length; i++, at += 4) view.setFloat32(at, values[i], true);
    }
  }
  return { skeleton, blob };
}

/** The inverse of packNumbers: "$f64" entries become number[], "$f32" entries Float32Array. */
export function unpackNumbers(skeleton: unknown, blob: Uint8Array): unknown {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const read = (ref: unknown, size: 4 | 8): [number, number] => {
    const [offset, length] = ref as [number, number];
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || offset + length * size > blob.byteLength)
      throw new StoreError(`packed numbers: reference ${JSON.stringify(ref)} is outside the ${blob.byteLength}-byte blob`);
    return [offset, length];
  };
  const walk = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(walk);
    if (typeof x === 'object' && x !== null) {
      if (F64 in x) {
        const [offset, length] = read((x as Record<string, unknown>)[F64], 8);
        const out = new Array<number>(length);
        for (let i = 0; i < length; i++) out[i] = view.getFloat64(offset + 8 * i, true);
        return out;
      }
      if (NUMBER in x) return Number((x as Record<string, string>)[NUMBER]);
      if (F32 in x) {
        const [offset, length] = read((x as Record<string, unknown>)[F32], 4);
        const out = new Float32Array(length);
        for (let i = 0; i < length; i++) out[i] = view.getFloat32(offset + 4 * i, true);
        return out;
      }
      return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, walk(v)]));
    }
    return x;
  };
  return walk(skeleton);
}
