/**
 * The 'gpujs' backend: every operation is a gpu.js kernel, in whatever mode gpu.js picks here
 * (see gpujsMode.ts); `description` names it. In GPU modes every kernel runs with pipeline: true,
 * so tensors are textures that stay on the device from kernel to kernel and only read() downloads.
 * Scatter-adds run as gathers over inverse maps built in uploadIndexMap (no atomics needed).
 * Kernels are compiled once per operation and shape, on first use.
 */
import { GPU, type IKernelRunShortcut, type Texture } from 'gpu.js';
import type { ActivationKind } from '../../graph/format';
import type { BackendFactory, ComputeBackend, IndexMap, IndexTensor, Tensor } from '../backend';
import { detectGpujsMode, type GpujsMode } from './gpujsMode';
import { invertIndexMap } from './inverseMap';
import * as source from './kernelSources';

type Value = Float32Array | Texture;

/** Float32 holds integers exactly only up to 2^24: index maps and argmax positions must stay below. */
const MAX_EXACT_INDEX = 1 << 24;

class GpujsTensor implements Tensor, IndexTensor {
  value: Value;
  /** Set by maxPool: the windows this argmax tensor was computed over (for an on-device backward). */
  pooledWith: { windows: GpujsIndexMap; windowSize: number; count: number } | null = null;
  constructor(
    readonly length: number,
    value: Value,
  ) {
    this.value = value;
  }
}

class GpujsIndexMap implements IndexMap {
  constructor(
    readonly length: number,
    readonly sourceLength: number,
    readonly map: Value,
    readonly offsets: Value,
    readonly entries: Value,
    readonly maxFan: number,
  ) {}
}

const T = (t: Tensor | IndexTensor): GpujsTensor => t as GpujsTensor;

export class GpujsBackend implements ComputeBackend {
  readonly name = 'gpujs';
  readonly dtype = 'float32' as const;
  readonly description: string;
  private readonly gpu: GPU;
  private readonly kernels = new Map<string, IKernelRunShortcut>();
  /** Stands in for a destination's old values when the operation overwrites all of them. */
  private placeholder: Value | null = null;

  constructor(readonly mode: GpujsMode) {
    this.gpu = new GPU();
    this.description = mode.accelerated ? `gpu.js (${mode.mode}, data kept on the device)` : `gpu.js (${mode.mode}, no GPU: host memory)`;
  }

  /** The kernel for (name, constants), compiled on first use; output is `length` values. */
  private kernel(name: string, src: string, length: number, constants: Record<string, number>): IKernelRunShortcut {
    let key = `${name}|${length}`;
    for (const c in constants) key += `|${c}=${constants[c]}`;
    let k = this.kernels.get(key);
    if (!k) {
      k = this.gpu.createKernel(src, {
        output: [length],
        constants,
        precision: 'single',
        pipeline: this.mode.accelerated,
        immutable: this.mode.accelerated,
        tactic: 'precision',
      });
      this.kernels.set(key, k);
    }
    return k;
  }

  /** Replaces t's value by a kernel's result, freeing the old texture. */
  private assign(t: GpujsTensor, result: unknown): void {
    const old = t.value;
    t.value = result as Value;
    if (old !== t.value && !(old instanceof Float32Array)) (old as Texture).delete();
  }

  /** Host data in the form kernels take: a device texture in GPU modes. */
  private toDevice(data: Float32Array): Value {
    if (!this.mode.accelerated) return data;
    return this.kernel('identity', source.identity, data.length, {})(data) as Texture;
  }

  /**
   * The old values of destination d as a kernel argument, when the operation keeps some of them
   * (covers fewer than d.length values, or accumulates); otherwise a one-value placeholder, so
   * that a full overwrite does not ship the whole old buffer to the kernel. `keep` goes into the
   * kernel's constants, so each case has its own compiled kernel.
   */
  private old(d: GpujsTensor, covered: number, needed = false): { old: Value; keep: number } {
    if (needed || covered < d.length) return { old: d.value, keep: 1 };
    this.placeholder ??= this.toDevice(new Float32Array(1));
    return { old: this.placeholder, keep: 0 };
  }

  private host(t: GpujsTensor): Float32Array {
    if (t.value instanceof Float32Array) return t.value;
    return t.value.toArray() as Float32Array;
  }

  private indexValues(map: Int32Array, what: string): Value {
    const values = new Float32Array(Math.max(1, map.length));
    for (let j = 0; j < map.length; j++) {
      if (map[j] >= MAX_EXACT_INDEX) throw new RangeError(`gpujs: ${what} entry ${j} is ${map[j]}, above the ${MAX_EXACT_INDEX} float32 holds exactly`);
      values[j] = map[j];
    }
    return this.toDevice(values);
  }

  allocate(length: number): Tensor {
    return new GpujsTensor(length, this.toDevice(new Float32Array(Math.max(1, length))));
  }
  allocateIndex(length: number): IndexTensor {
    return new GpujsTensor(length, this.toDevice(new Float32Array(Math.max(1, length))));
  }
  uploadIndexMap(map: Int32Array, sourceLength: number): IndexMap {
    const inverse = invertIndexMap(map, sourceLength);
    return new GpujsIndexMap(
      map.length,
      sourceLength,
      this.indexValues(map, 'index map'),
      this.indexValues(inverse.offsets, 'inverse map offset'),
      this.indexValues(inverse.entries, 'inverse map'),
      inverse.maxFan,
    );
  }
  write(t: Tensor, data: ArrayLike<number>, offset = 0): void {
    const tensor = T(t);
    if (offset + data.length > t.length) throw new RangeError(`gpujs write: ${data.length} values at offset ${offset} overflow a tensor of ${t.length}`);
    const values = tensor.value instanceof Float32Array ? tensor.value : this.host(tensor);
    values.set(data, offset);
    this.assign(tensor, this.toDevice(values));
  }
  read(t: Tensor, length = t.length): Float32Array {
    return this.host(T(t)).slice(0, length);
  }
  readInto(t: Tensor, out: Float32Array | Float64Array, length = out.length): void {
    out.set(this.host(T(t)).subarray(0, length));
  }
  readIndex(t: IndexTensor, length = t.length): Int32Array {
    return Int32Array.from(this.host(T(t)).subarray(0, length));
  }
  dispose(): void {
    for (const k of this.kernels.values()) k.destroy?.();
    this.kernels.clear();
    this.gpu.destroy();
  }

  fill(t: Tensor, value: number, length = t.length): void {
    const d = T(t);
    const { old, keep } = this.old(d, length);
    this.assign(d, this.kernel('fill', source.fill, d.length, { n: length, keep })(old, value));
  }
  copy(src: Tensor, dst: Tensor, n: number): void {
    const d = T(dst);
    const { old, keep } = this.old(d, n);
    this.assign(d, this.kernel('copy', source.copy, d.length, { n, keep })(T(src).value, old));
  }
  axpby(alpha: number, x: Tensor, beta: number, y: Tensor, n: number): void {
    const d = T(y);
    this.assign(d, this.kernel('axpby', source.axpby, d.length, { n })(T(x).value, d.value, alpha, beta));
  }
  dot(x: Tensor, y: Tensor, n: number): number {
    const xs = this.host(T(x));
    const ys = this.host(T(y));
    let sum = 0;
    for (let j = 0; j < n; j++) sum += xs[j] * ys[j];
    return sum;
  }

  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, A: Tensor, B: Tensor, C: Tensor, accumulate: boolean): void {
    const d = T(C);
    const { old, keep } = this.old(d, m * n, accumulate);
    const kernel = this.kernel(`gemm${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`, source.gemm(transA, transB), d.length, { m, n, k, mn: m * n, accumulate: accumulate ? 1 : 0, keep });
    this.assign(d, kernel(T(A).value, T(B).value, old));
  }

  gather(src: Tensor, map: IndexMap, dst: Tensor, count: number): void {
    const m = map as GpujsIndexMap;
    const d = T(dst);
    const { old, keep } = this.old(d, count * m.length);
    const kernel = this.kernel('gather', source.gather, d.length, { len: m.length, srcLen: m.sourceLength, total: count * m.length, keep });
    this.assign(d, kernel(T(src).value, m.map, old));
  }
  scatterAdd(src: Tensor, map: IndexMap, dst: Tensor, count: number, accumulate: boolean): void {
    const m = map as GpujsIndexMap;
    const d = T(dst);
    const { old, keep } = this.old(d, count * m.sourceLength, accumulate);
    const kernel = this.kernel('scatterAdd', source.scatterAdd, d.length, {
      len: m.length,
      srcLen: m.sourceLength,
      total: count * m.sourceLength,
      maxFan: m.maxFan,
      accumulate: accumulate ? 1 : 0,
      keep,
    });
    this.assign(d, kernel(T(src).value, m.offsets, m.entries, old));
  }

  addBias(S: Tensor, b: Tensor, rows: number, cols: number): void {
    const d = T(S);
    this.assign(d, this.kernel('addBias', source.addBias, d.length, { rows, total: rows * cols })(d.value, T(b).value));
  }
  rowSum(S: Tensor, out: Tensor, rows: number, cols: number, accumulate: boolean): void {
    const d = T(out);
    const { old, keep } = this.old(d, rows, accumulate);
    this.assign(d, this.kernel('rowSum', source.rowSum, d.length, { rows, cols, accumulate: accumulate ? 1 : 0, keep })(T(S).value, old));
  }

  activate(kind: ActivationKind, leak: number, S: Tensor, A: Tensor, n: number): void {
    const d = T(A);
    const { old, keep } = this.old(d, n);
    this.assign(d, this.kernel(`activate-${kind}`, source.activate(kind), d.length, { n, keep })(T(S).value, old, leak));
  }
  activationGrad(kind: ActivationKind, leak: number, A: Tensor, V: Tensor, n: number): void {
    const d = T(V);
    this.assign(d, this.kernel(`activationGrad-${kind}`, source.activationGrad(kind), d.length, { n })(T(A).value, d.value, leak));
  }

  maxPool(Z: Tensor, windows: IndexMap, windowSize: number, out: Tensor, argmax: IndexTensor, count: number): void {
    const w = windows as GpujsIndexMap;
    const outSize = w.length / windowSize;
    const am = T(argmax);
    const o = T(out);
    const amOld = this.old(am, count * outSize);
    const constants = { windowSize, outSize, srcLen: w.sourceLength, total: count * outSize, keep: amOld.keep };
    this.assign(am, this.kernel('maxPoolArgmax', source.maxPoolArgmax, am.length, constants)(T(Z).value, w.map, amOld.old));
    am.pooledWith = { windows: w, windowSize, count };
    const { old, keep } = this.old(o, count * outSize);
    this.assign(o, this.kernel('gatherArgmax', source.gatherArgmax, o.length, { n: count * outSize, keep })(T(Z).value, am.value, old));
  }
  maxPoolBackward(V: Tensor, argmax: IndexTensor, n: number, dZ: Tensor, zLength: number): void {
    const am = T(argmax);
    const d = T(dZ);
    const pooled = am.pooledWith;
    if (pooled && n === pooled.count * (pooled.windows.length / pooled.windowSize) && zLength === pooled.count * pooled.windows.sourceLength) {
      const w = pooled.windows;
      const { old, keep } = this.old(d, zLength);
      const kernel = this.kernel('maxPoolBackward', source.maxPoolBackward, d.length, {
        srcLen: w.sourceLength,
        outSize: w.length / pooled.windowSize,
        windowSize: pooled.windowSize,
        maxFan: w.maxFan,
        total: zLength,
        keep,
      });
      this.assign(d, kernel(T(V).value, am.value, w.offsets, w.entries, old));
      return;
    }
    // An argmax that did not come from maxPool over whole instances: scatter on the host.
    const v = this.host(T(V));
    const positions = this.host(am);
    const values = this.host(d).slice();
    values.fill(0, 0, zLength);
    for (let k = 0; k < n; k++) values[positions[k]] += v[k];
    this.assign(d, this.toDevice(values));
  }
  gatherArgmax(src: Tensor, argmax: IndexTensor, n: number, dst: Tensor): void {
    const d = T(dst);
    const { old, keep } = this.old(d, n);
    this.assign(d, this.kernel('gatherArgmax', source.gatherArgmax, d.length, { n, keep })(T(src).value, T(argmax).value, old));
  }
  avgPool(Z: Tensor, windows: IndexMap, windowSize: number, out: Tensor, count: number): void {
    const w = windows as GpujsIndexMap;
    const outSize = w.length / windowSize;
    const o = T(out);
    const { old, keep } = this.old(o, count * outSize);
    const kernel = this.kernel('avgPool', source.avgPool, o.length, { windowSize, outSize, srcLen: w.sourceLength, total: count * outSize, keep });
    this.assign(o, kernel(T(Z).value, w.map, old));
  }
  avgPoolBackward(V: Tensor, windows: IndexMap, windowSize: number, dZ: Tensor, count: number): void {
    const w = windows as GpujsIndexMap;
    const d = T(dZ);
    const { old, keep } = this.old(d, count * w.sourceLength);
    const kernel = this.kernel('avgPoolBackward', source.avgPoolBackward, d.length, {
      srcLen: w.sourceLength,
      outSize: w.length / windowSize,
      windowSize,
      maxFan: w.maxFan,
      total: count * w.sourceLength,
      keep,
    });
    this.assign(d, kernel(T(V).value, w.offsets, w.entries, old));
  }
}

let detected: GpujsMode | null = null;

export const gpujsFactory: BackendFactory = {
  name: 'gpujs',
  dtype: 'float32',
  async available() {
    try {
      detected ??= detectGpujsMode();
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: `gpu.js could not run a kernel here: ${(error as Error).message}` };
    }
  },
  async create() {
    detected ??= detectGpujsMode();
    return new GpujsBackend(detected);
  },
};
