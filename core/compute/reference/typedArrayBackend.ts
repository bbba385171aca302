/**
 * The plain-JavaScript backend: straightforward loops over typed arrays. In float64 it is the
 * reference (the oracle every other backend is tested against); in float32 it is the baseline.
 */
import type { ActivationKind } from '../../graph/format';
import { composedGemmBiasActivate, type ComputeBackend, type DType, type FloatArray, type IndexMap, type IndexTensor, type Tensor } from '../backend';

class ArrayTensor implements Tensor {
  constructor(readonly data: FloatArray) {}
  get length(): number {
    return this.data.length;
  }
}

class ArrayIndexTensor implements IndexTensor {
  constructor(readonly data: Int32Array) {}
  get length(): number {
    return this.data.length;
  }
}

class ArrayIndexMap implements IndexMap {
  constructor(
    readonly map: Int32Array,
    readonly sourceLength: number,
  ) {}
  get length(): number {
    return this.map.length;
  }
}

const data = (t: Tensor): FloatArray => (t as ArrayTensor).data;
const indices = (t: IndexTensor): Int32Array => (t as ArrayIndexTensor).data;
const mapOf = (m: IndexMap): Int32Array => (m as ArrayIndexMap).map;

export class TypedArrayBackend implements ComputeBackend {
  readonly name: string;
  readonly description: string;
  private readonly Float: Float32ArrayConstructor | Float64ArrayConstructor;

  constructor(readonly dtype: DType) {
    this.name = dtype === 'float64' ? 'reference' : 'js';
    this.description = dtype === 'float64' ? 'float64 reference (plain JavaScript)' : 'float32 plain JavaScript';
    this.Float = dtype === 'float64' ? Float64Array : Float32Array;
  }

  /** Wraps an existing typed array without copying (for tests and host-side tools). */
  wrap(array: FloatArray): Tensor {
    return new ArrayTensor(array);
  }

  allocate(length: number): Tensor {
    return new ArrayTensor(new this.Float(length));
  }
  allocateIndex(length: number): IndexTensor {
    return new ArrayIndexTensor(new Int32Array(length));
  }
  uploadIndexMap(map: Int32Array, sourceLength: number): IndexMap {
    return new ArrayIndexMap(Int32Array.from(map), sourceLength);
  }
  write(t: Tensor, values: ArrayLike<number>, offset = 0): void {
    data(t).set(values, offset);
  }
  read(t: Tensor, length = t.length): FloatArray {
    return data(t).slice(0, length);
  }
  readInto(t: Tensor, out: FloatArray, length = out.length): void {
    out.set(data(t).subarray(0, length));
  }
  readIndex(t: IndexTensor, length = t.length): Int32Array {
    return indices(t).slice(0, length);
  }
  dispose(): void {}

  fill(t: Tensor, value: number, length = t.length): void {
    data(t).fill(value, 0, length);
  }
  copy(src: Tensor, dst: Tensor, n: number): void {
    data(dst).set(data(src).subarray(0, n));
  }
  axpby(alpha: number, x: Tensor, beta: number, y: Tensor, n: number): void {
    const xs = data(x);
    const ys = data(y);
    for (let j = 0; j < n; j++) ys[j] = alpha * xs[j] + beta * ys[j];
  }
  dot(x: Tensor, y: Tensor, n: number): number {
    const xs = data(x);
    const ys = data(y);
    let sum = 0;
    for (let j = 0; j < n; j++) sum += xs[j] * ys[j];
    return sum;
  }

  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, A: Tensor, B: Tensor, C: Tensor, accumulate: boolean): void {
    const a = data(A);
    const b = data(B);
    const c = data(C);
    // op(A)[r, t] and op(B)[t, col] in column-major storage.
    const aRowStride = transA ? k : 1;
    const aColStride = transA ? 1 : m;
    const bRowStride = transB ? n : 1;
    const bColStride = transB ? 1 : k;
    for (let col = 0; col < n; col++) {
      for (let r = 0; r < m; r++) {
        let sum = 0;
        for (let t = 0; t < k; t++) sum += a[r * aRowStride + t * aColStride] * b[t * bRowStride + col * bColStride];
        c[r + m * col] = accumulate ? c[r + m * col] + sum : sum;
      }
    }
  }

  gather(src: Tensor, map: IndexMap, dst: Tensor, count: number): void {
    const s = data(src);
    const d = data(dst);
    const idx = mapOf(map);
    const len = idx.length;
    for (let i = 0; i < count; i++) {
      const sOff = i * map.sourceLength;
      const dOff = i * len;
      for (let j = 0; j < len; j++) {
        const from = idx[j];
        d[dOff + j] = from >= 0 ? s[sOff + from] : 0;
      }
    }
  }

  scatterAdd(src: Tensor, map: IndexMap, dst: Tensor, count: number, accumulate: boolean): void {
    const s = data(src);
    const d = data(dst);
    const idx = mapOf(map);
    const len = idx.length;
    if (!accumulate) d.fill(0, 0, count * map.sourceLength);
    for (let i = 0; i < count; i++) {
      const sOff = i * len;
      const dOff = i * map.sourceLength;
      for (let j = 0; j < len; j++) {
        const to = idx[j];
        if (to >= 0) d[dOff + to] += s[sOff + j];
      }
    }
  }

  gemmBiasActivate(m: number, n: number, k: number, W: Tensor, B: Tensor, b: Tensor, A: Tensor, kind: ActivationKind, leak: number): void {
    composedGemmBiasActivate(this, m, n, k, W, B, b, A, kind, leak);
  }

  addBias(S: Tensor, b: Tensor, rows: number, cols: number): void {
    const s = data(S);
    const bias = data(b);
    for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) s[r + rows * c] += bias[r];
  }

  rowSum(S: Tensor, out: Tensor, rows: number, cols: number, accumulate: boolean): void {
    const s = data(S);
    const o = data(out);
    if (!accumulate) o.fill(0, 0, rows);
    for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) o[r] += s[r + rows * c];
  }

  activate(kind: ActivationKind, leak: number, S: Tensor, A: Tensor, n: number): void {
    const s = data(S);
    const a = data(A);
    switch (kind) {
      case 'relu':
        for (let j = 0; j < n; j++) a[j] = s[j] > 0 ? s[j] : 0;
        break;
      case 'leaky_relu':
        for (let j = 0; j < n; j++) a[j] = s[j] > 0 ? s[j] : leak * s[j];
        break;
      case 'tanh':
        for (let j = 0; j < n; j++) a[j] = Math.tanh(s[j]);
        break;
      case 'sigmoid':
        for (let j = 0; j < n; j++) a[j] = 1 / (1 + Math.exp(-s[j]));
        break;
      case 'linear':
        if (a !== s) a.set(s.subarray(0, n));
        break;
    }
  }

  activationGrad(kind: ActivationKind, leak: number, A: Tensor, V: Tensor, n: number): void {
    const a = data(A);
    const v = data(V);
    switch (kind) {
      case 'relu':
        for (let j = 0; j < n; j++) if (!(a[j] > 0)) v[j] = 0;
        break;
      case 'leaky_relu':
        for (let j = 0; j < n; j++) if (!(a[j] > 0)) v[j] *= leak;
        break;
      case 'tanh':
        for (let j = 0; j < n; j++) v[j] *= 1 - a[j] * a[j];
        break;
      case 'sigmoid':
        for (let j = 0; j < n; j++) v[j] *= a[j] * (1 - a[j]);
        break;
      case 'linear':
        break;
    }
  }

  maxPool(Z: Tensor, windows: IndexMap, windowSize: number, out: Tensor, argmax: IndexTensor, count: number): void {
    const z = data(Z);
    const o = data(out);
    const am = indices(argmax);
    const w = mapOf(windows);
    const outSize = w.length / windowSize;
    for (let i = 0; i < count; i++) {
      const zOff = i * windows.sourceLength;
      for (let p = 0; p < outSize; p++) {
        let best = zOff + w[p * windowSize];
        let bestValue = z[best];
        for (let t = 1; t < windowSize; t++) {
          const at = zOff + w[p * windowSize + t];
          if (z[at] > bestValue) {
            bestValue = z[at];
            best = at;
          }
        }
        o[i * outSize + p] = bestValue;
        am[i * outSize + p] = best;
      }
    }
  }

  maxPoolBackward(V: Tensor, argmax: IndexTensor, n: number, dZ: Tensor, zLength: number): void {
    const v = data(V);
    const am = indices(argmax);
    const dz = data(dZ);
    dz.fill(0, 0, zLength);
    for (let k = 0; k < n; k++) dz[am[k]] += v[k];
  }

  gatherArgmax(src: Tensor, argmax: IndexTensor, n: number, dst: Tensor): void {
    const s = data(src);
    const am = indices(argmax);
    const d = data(dst);
    for (let k = 0; k < n; k++) d[k] = s[am[k]];
  }

  avgPool(Z: Tensor, windows: IndexMap, windowSize: number, out: Tensor, count: number): void {
    const z = data(Z);
    const o = data(out);
    const w = mapOf(windows);
    const outSize = w.length / windowSize;
    for (let i = 0; i < count; i++) {
      const zOff = i * windows.sourceLength;
      for (let p = 0; p < outSize; p++) {
        let sum = 0;
        for (let t = 0; t < windowSize; t++) sum += z[zOff + w[p * windowSize + t]];
        o[i * outSize + p] = sum / windowSize;
      }
    }
  }

  avgPoolBackward(V: Tensor, windows: IndexMap, windowSize: number, dZ: Tensor, count: number): void {
    const v = data(V);
    const dz = data(dZ);
    const w = mapOf(windows);
    const outSize = w.length / windowSize;
    dz.fill(0, 0, count * windows.sourceLength);
    for (let i = 0; i < count; i++) {
      const zOff = i * windows.sourceLength;
      for (let p = 0; p < outSize; p++) {
        const share = v[i * outSize + p] / windowSize;
        for (let t = 0; t < windowSize; t++) dz[zOff + w[p * windowSize + t]] += share;
      }
    }
  }
}

export function createReferenceBackend(): TypedArrayBackend {
  return new TypedArrayBackend('float64');
}

export function createJsBackend(): TypedArrayBackend {
  return new TypedArrayBackend('float32');
}
