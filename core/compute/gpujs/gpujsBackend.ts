/**
 * The 'gpujs' backend: every operation is a gpu.js kernel, in whatever mode gpu.js picks here
 * (see gpujsMode.ts); `description` names it and, on GL, the renderer. In GPU modes every kernel
 * runs with pipeline: true, so tensors are textures that stay on the device from kernel to kernel;
 * only read(), readInto(), readIndex() and dot() download (dot only its partial sums).
 * Scatter-adds run as gathers over inverse maps built in uploadIndexMap (no atomics needed).
 * Kernels are compiled once per operation and shape, on first use; `stats` counts compiles,
 * uploads and downloads. A GPU mode is trusted only after a start-up check (selfCheck.ts).
 */
import { GPU, type IKernelRunShortcut, type Texture } from 'gpu.js';
import type { ActivationKind } from '../../graph/format';
import { composedGemmBiasActivate, type BackendFactory, type ComputeBackend, type IndexMap, type IndexTensor, type Tensor } from '../backend';
import { detectGpujsMode, glContextProblem, kernelMode, type GlContextLike, type GpujsMode } from './gpujsMode';
import { invertIndexMap } from './inverseMap';
import * as defaultSources from './kernelSources';
import { checkAgainstReference } from './selfCheck';

type Value = Float32Array | Texture;
export type KernelSources = { [K in keyof typeof defaultSources]: (typeof defaultSources)[K] extends string ? string : (typeof defaultSources)[K] };

/** Float32 holds integers exactly only up to 2^24: index maps and argmax positions must stay below. */
const MAX_EXACT_INDEX = 1 << 24;
/** dot() reduces on the device to this many partial sums, then sums those on the host in float64. */
const DOT_PARTIALS = 256;

/** Where the time and the transfers of this backend went (all counters grow from creation). */
export interface GpujsStats {
  /** Kernels compiled (one per operation and shape) and the wall time their first runs took. */
  compiles: number;
  compileMs: number;
  /** Kernel launches (compiled ones included). */
  kernelRuns: number;
  /** host -> device transfers (allocate, write, index maps) and the values they carried. */
  uploads: number;
  uploadedValues: number;
  uploadMs: number;
  /** device -> host transfers, by the contract call that asked for them. */
  downloads: Record<string, number>;
  downloadedValues: number;
  downloadMs: number;
}

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

/** What the user is shown: the mode and, on GL, the renderer ("gpu.js (webgl2 on Google Inc. (NVIDIA) / ANGLE (...), data kept on the device)"). */
export function describeMode(mode: GpujsMode): string {
  return mode.accelerated ? `gpu.js (${mode.mode}${mode.renderer ? ` on ${mode.renderer}` : ''}, data kept on the device)` : `gpu.js (${mode.mode}, no GPU: host memory)`;
}

const T = (t: Tensor | IndexTensor): GpujsTensor => t as GpujsTensor;

export interface GpujsOptions {
  /** Kernel sources (tests inject a faulty one to see the start-up check refuse it). */
  sources?: KernelSources;
  /** Skip the start-up conformance check (only the check itself and tests of it). */
  trusted?: boolean;
}

export class GpujsBackend implements ComputeBackend {
  readonly name = 'gpujs';
  readonly dtype = 'float32' as const;
  readonly description: string;
  readonly stats: GpujsStats = { compiles: 0, compileMs: 0, kernelRuns: 0, uploads: 0, uploadedValues: 0, uploadMs: 0, downloads: {}, downloadedValues: 0, downloadMs: 0 };
  /** When set, every kernel waits for the GPU to finish (gl.finish), so timings land on the kernel that spent them. */
  syncKernels = false;
  private readonly gpu: GPU;
  private readonly source: KernelSources;
  private readonly kernels = new Map<string, IKernelRunShortcut>();
  /** Stands in for a destination's old values when the operation overwrites all of them. */
  private placeholder: Value | null = null;

  private constructor(
    readonly mode: GpujsMode,
    options: GpujsOptions,
  ) {
    this.gpu = new GPU({ mode: mode.mode as 'gpu' });
    this.source = options.sources ?? defaultSources;
    this.description = describeMode(mode);
  }

  /**
   * A backend in `mode` (detected when not given). A GPU mode is trusted only once a small
   * conformance check against the float64 reference passes; otherwise this throws, naming the
   * backend, the mode and the operation that differed.
   */
  static create(mode: GpujsMode = detectGpujsMode(), options: GpujsOptions = {}): GpujsBackend {
    const backend = new GpujsBackend(mode, options);
    if (mode.accelerated && !options.trusted) {
      try {
        checkAgainstReference(backend);
      } catch (error) {
        backend.dispose();
        throw error;
      }
    }
    return backend;
  }

  /** "gpujs (headlessgl)": how errors name this backend. */
  private get label(): string {
    return `gpujs (${this.mode.mode})`;
  }

  private get context(): GlContextLike | null {
    return ((this.gpu as unknown as { context?: GlContextLike }).context ?? null) as GlContextLike | null;
  }

  /** Throws when the GL context can no longer compute (lost): a lost context reads back zeros. */
  private checkContext(): void {
    const gl = this.mode.accelerated ? this.context : null;
    const problem = gl && glContextProblem(gl, this.mode.mode);
    if (problem) throw new Error(`${this.label}: ${problem}; results cannot be trusted, stopping`);
  }

  /** The kernel for (name, constants), compiled on first use; output is `length` values. */
  private kernel(name: string, src: string, length: number, constants: Record<string, number>): (...args: unknown[]) => unknown {
    let key = `${name}|${length}`;
    for (const c in constants) key += `|${c}=${constants[c]}`;
    const cached = this.kernels.get(key);
    if (cached) return (...args) => this.launch(cached, args);
    return (...args) => {
      const start = performance.now();
      let k: IKernelRunShortcut;
      let result: unknown;
      try {
        k = this.gpu.createKernel(src, {
          output: [length],
          constants,
          precision: 'single',
          pipeline: this.mode.accelerated,
          immutable: this.mode.accelerated,
          tactic: 'precision',
        });
        result = k(...(args as []));
      } catch (error) {
        throw new Error(`${this.label}: kernel ${name} (${length} outputs) failed to build: ${(error as Error).message.split('\n')[0]}`);
      }
      const ran = kernelMode((k as unknown as { kernel: unknown }).kernel);
      if (ran !== this.mode.mode) {
        const reason = (k as unknown as { kernel: { fallbackReason?: string } }).kernel.fallbackReason;
        k.destroy?.();
        throw new Error(`${this.label}: kernel ${name} could not run in ${this.mode.mode} and gpu.js fell back to ${ran}${reason ? ` (${reason})` : ''}`);
      }
      this.kernels.set(key, k);
      this.sync();
      this.stats.compiles++;
      this.stats.kernelRuns++;
      this.stats.compileMs += performance.now() - start;
      return result;
    };
  }

  private launch(k: IKernelRunShortcut, args: unknown[]): unknown {
    const result = k(...(args as []));
    this.stats.kernelRuns++;
    this.sync();
    return result;
  }

  private sync(): void {
    if (this.syncKernels && this.mode.accelerated) (this.context as unknown as { finish?: () => void } | null)?.finish?.();
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
    const start = performance.now();
    const texture = this.kernel('upload', this.source.identity, data.length, {})(data) as Texture;
    this.countUpload(data.length, start);
    return texture;
  }

  private countUpload(values: number, start: number): void {
    this.stats.uploads++;
    this.stats.uploadedValues += values;
    this.stats.uploadMs += performance.now() - start;
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

  /** t's values on the host: a download in GPU modes, counted under `why`. */
  private host(t: GpujsTensor, why: string): Float32Array {
    if (t.value instanceof Float32Array) return t.value;
    this.checkContext();
    const start = performance.now();
    const values = t.value.toArray() as Float32Array;
    this.stats.downloads[why] = (this.stats.downloads[why] ?? 0) + 1;
    this.stats.downloadedValues += values.length;
    this.stats.downloadMs += performance.now() - start;
    return values;
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
    if (length >= MAX_EXACT_INDEX) throw new RangeError(`gpujs: a tensor of ${length} values is beyond the ${MAX_EXACT_INDEX} positions float32 indexes exactly`);
    return new GpujsTensor(length, this.toDevice(new Float32Array(Math.max(1, length))));
  }
  allocateIndex(length: number): IndexTensor {
    return this.allocate(length);
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
    if (tensor.value instanceof Float32Array) {
      tensor.value.set(data, offset);
      return;
    }
    // Only the new values travel: a kernel puts them at `offset` and keeps the rest on the device.
    const values = data instanceof Float32Array ? data : Float32Array.from(data);
    if (values.length === 0) return;
    const start = performance.now();
    if (offset === 0 && values.length === tensor.length) this.assign(tensor, this.kernel('upload', this.source.identity, values.length, {})(values));
    else this.assign(tensor, this.kernel('writeRange', this.source.writeRange, Math.max(1, tensor.length), { n: values.length, offset })(values, tensor.value));
    this.countUpload(values.length, start);
  }
  read(t: Tensor, length = t.length): Float32Array {
    return this.host(T(t), 'read').slice(0, length);
  }
  readInto(t: Tensor, out: Float32Array | Float64Array, length = out.length): void {
    out.set(this.host(T(t), 'read').subarray(0, length));
  }
  readIndex(t: IndexTensor, length = t.length): Int32Array {
    return Int32Array.from(this.host(T(t), 'readIndex').subarray(0, length));
  }
  dispose(): void {
    for (const k of this.kernels.values()) k.destroy?.();
    this.kernels.clear();
    this.gpu.destroy();
  }

  fill(t: Tensor, value: number, length = t.length): void {
    const d = T(t);
    const { old, keep } = this.old(d, length);
    this.assign(d, this.kernel('fill', this.source.fill, d.length, { n: length, keep })(old, value));
  }
  copy(src: Tensor, dst: Tensor, n: number): void {
    const d = T(dst);
    const { old, keep } = this.old(d, n);
    this.assign(d, this.kernel('copy', this.source.copy, d.length, { n, keep })(T(src).value, old));
  }
  axpby(alpha: number, x: Tensor, beta: number, y: Tensor, n: number): void {
    const d = T(y);
    this.assign(d, this.kernel('axpby', this.source.axpby, d.length, { n })(T(x).value, d.value, alpha, beta));
  }
  /** Partial sums of x .* y on the device (DOT_PARTIALS strided slices), the last sum on the host in float64. */
  dot(x: Tensor, y: Tensor, n: number): number {
    if (n === 0) return 0;
    const parts = Math.min(DOT_PARTIALS, n);
    const partial = this.kernel('dotPartials', this.source.dotPartials, parts, { n, parts, steps: Math.ceil(n / parts) })(T(x).value, T(y).value);
    const holder = new GpujsTensor(parts, partial as Value);
    const values = this.host(holder, 'dot');
    if (!(partial instanceof Float32Array)) (partial as Texture).delete();
    let sum = 0;
    for (let j = 0; j < parts; j++) sum += values[j];
    return sum;
  }

  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, A: Tensor, B: Tensor, C: Tensor, accumulate: boolean): void {
    const d = T(C);
    const { old, keep } = this.old(d, m * n, accumulate);
    const kernel = this.kernel(`gemm${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`, this.source.gemm(transA, transB), d.length, { m, n, k, mn: m * n, accumulate: accumulate ? 1 : 0, keep });
    this.assign(d, kernel(T(A).value, T(B).value, old));
  }

  gather(src: Tensor, map: IndexMap, dst: Tensor, count: number): void {
    const m = map as GpujsIndexMap;
    const d = T(dst);
    const { old, keep } = this.old(d, count * m.length);
    const kernel = this.kernel('gather', this.source.gather, d.length, { len: m.length, srcLen: m.sourceLength, total: count * m.length, keep });
    this.assign(d, kernel(T(src).value, m.map, old));
  }
  scatterAdd(src: Tensor, map: IndexMap, dst: Tensor, count: number, accumulate: boolean): void {
    const m = map as GpujsIndexMap;
    const d = T(dst);
    const { old, keep } = this.old(d, count * m.sourceLength, accumulate);
    const kernel = this.kernel('scatterAdd', this.source.scatterAdd, d.length, {
      len: m.length,
      srcLen: m.sourceLength,
      total: count * m.sourceLength,
      maxFan: Math.max(1, m.maxFan),
      accumulate: accumulate ? 1 : 0,
      keep,
    });
    this.assign(d, kernel(T(src).value, m.offsets, m.entries, old));
  }

  gemmBiasActivate(m: number, n: number, k: number, W: Tensor, B: Tensor, b: Tensor, A: Tensor, kind: ActivationKind, leak: number): void {
    composedGemmBiasActivate(this, m, n, k, W, B, b, A, kind, leak);
  }

  addBias(S: Tensor, b: Tensor, rows: number, cols: number): void {
    const d = T(S);
    this.assign(d, this.kernel('addBias', this.source.addBias, d.length, { rows, total: rows * cols })(d.value, T(b).value));
  }
  rowSum(S: Tensor, out: Tensor, rows: number, cols: number, accumulate: boolean): void {
    const d = T(out);
    const { old, keep } = this.old(d, rows, accumulate);
    this.assign(d, this.kernel('rowSum', this.source.rowSum, d.length, { rows, cols, accumulate: accumulate ? 1 : 0, keep })(T(S).value, old));
  }

  activate(kind: ActivationKind, leak: number, S: Tensor, A: Tensor, n: number): void {
    const d = T(A);
    const { old, keep } = this.old(d, n);
    this.assign(d, this.kernel(`activate-${kind}`, this.source.activate(kind), d.length, { n, keep })(T(S).value, old, leak));
  }
  activationGrad(kind: ActivationKind, leak: number, A: Tensor, V: Tensor, n: number): void {
    const d = T(V);
    this.assign(d, this.kernel(`activationGrad-${kind}`, this.source.activationGrad(kind), d.length, { n })(T(A).value, d.value, leak));
  }

  maxPool(Z: Tensor, windows: IndexMap, windowSize: number, out: Tensor, argmax: IndexTensor, count: number): void {
    const w = windows as GpujsIndexMap;
    const outSize = w.length / windowSize;
    const am = T(argmax);
    const o = T(out);
    const amOld = this.old(am, count * outSize);
    const constants = { windowSize, outSize, srcLen: w.sourceLength, total: count * outSize, keep: amOld.keep };
    this.assign(am, this.kernel('maxPoolArgmax', this.source.maxPoolArgmax, am.length, constants)(T(Z).value, w.map, amOld.old));
    am.pooledWith = { windows: w, windowSize, count };
    const { old, keep } = this.old(o, count * outSize);
    this.assign(o, this.kernel('gatherArgmax', this.source.gatherArgmax, o.length, { n: count * outSize, keep })(T(Z).value, am.value, old));
  }
  maxPoolBackward(V: Tensor, argmax: IndexTensor, n: number, dZ: Tensor, zLength: number): void {
    const am = T(argmax);
    const d = T(dZ);
    const pooled = am.pooledWith;
    if (pooled && n === pooled.count * (pooled.windows.length / pooled.windowSize) && zLength === pooled.count * pooled.windows.sourceLength) {
      const w = pooled.windows;
      const { old, keep } = this.old(d, zLength);
      const kernel = this.kernel('maxPoolBackward', this.source.maxPoolBackward, d.length, {
        srcLen: w.sourceLength,
        outSize: w.length / pooled.windowSize,
        windowSize: pooled.windowSize,
        maxFan: Math.max(1, w.maxFan),
        total: zLength,
        keep,
      });
      this.assign(d, kernel(T(V).value, am.value, w.offsets, w.entries, old));
      return;
    }
    // An argmax that did not come from maxPool over whole instances: scatter on the host (counted).
    const v = this.host(T(V), 'maxPoolBackward (host scatter)');
    const positions = this.host(am, 'maxPoolBackward (host scatter)');
    const values = this.host(d, 'maxPoolBackward (host scatter)').slice();
    values.fill(0, 0, zLength);
    for (let k = 0; k < n; k++) values[positions[k]] += v[k];
    this.assign(d, this.toDevice(values));
  }
  gatherArgmax(src: Tensor, argmax: IndexTensor, n: number, dst: Tensor): void {
    const d = T(dst);
    const { old, keep } = this.old(d, n);
    this.assign(d, this.kernel('gatherArgmax', this.source.gatherArgmax, d.length, { n, keep })(T(src).value, T(argmax).value, old));
  }
  avgPool(Z: Tensor, windows: IndexMap, windowSize: number, out: Tensor, count: number): void {
    const w = windows as GpujsIndexMap;
    const outSize = w.length / windowSize;
    const o = T(out);
    const { old, keep } = this.old(o, count * outSize);
    const kernel = this.kernel('avgPool', this.source.avgPool, o.length, { windowSize, outSize, srcLen: w.sourceLength, total: count * outSize, keep });
    this.assign(o, kernel(T(Z).value, w.map, old));
  }
  avgPoolBackward(V: Tensor, windows: IndexMap, windowSize: number, dZ: Tensor, count: number): void {
    const w = windows as GpujsIndexMap;
    const d = T(dZ);
    const { old, keep } = this.old(d, count * w.sourceLength);
    const kernel = this.kernel('avgPoolBackward', this.source.avgPoolBackward, d.length, {
      srcLen: w.sourceLength,
      outSize: w.length / windowSize,
      windowSize,
      maxFan: Math.max(1, w.maxFan),
      total: count * w.sourceLength,
      keep,
    });
    this.assign(d, kernel(T(V).value, w.offsets, w.entries, old));
  }
}

/** A factory for gpu.js in one mode (or, without `requested`, the mode gpu.js picks here). */
export function gpujsModeFactory(requested?: string): BackendFactory & { mode(): GpujsMode } {
  let detected: GpujsMode | null = null;
  let failure: string | null = null;
  const detect = (): GpujsMode => {
    if (detected) return detected;
    if (failure) throw new Error(failure);
    try {
      detected = detectGpujsMode(requested);
      return detected;
    } catch (error) {
      failure = `gpu.js ${requested ? `mode ${requested}` : ''} could not run a kernel here: ${(error as Error).message}`.replace('  ', ' ');
      throw new Error(failure);
    }
  };
  return {
    name: 'gpujs',
    dtype: 'float32',
    mode: detect,
    async available() {
      try {
        return { ok: true, description: describeMode(detect()) };
      } catch (error) {
        return { ok: false, reason: (error as Error).message };
      }
    },
    async create() {
      return GpujsBackend.create(detect());
    },
  };
}

export const gpujsFactory = gpujsModeFactory();
