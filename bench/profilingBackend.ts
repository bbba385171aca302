/**
 * Wraps a compute backend and, while `enabled`, adds up the wall time of each operation (GEMMs by
 * shape), to see which kernels dominate a training step. Disabled it only forwards the calls.
 */
import type { ActivationKind } from '../core/graph/format';
import type { ComputeBackend, FloatArray, IndexMap, IndexTensor, Tensor } from '../core/compute/backend';

export interface KernelTime {
  kernel: string;
  calls: number;
  ms: number;
}

export class ProfilingBackend implements ComputeBackend {
  enabled = false;
  private readonly totals = new Map<string, KernelTime>();

  constructor(readonly inner: ComputeBackend) {}

  get name(): string {
    return this.inner.name;
  }
  get dtype() {
    return this.inner.dtype;
  }
  get description(): string {
    return this.inner.description;
  }

  private timed<T>(label: string, run: () => T): T {
    if (!this.enabled) return run();
    const start = performance.now();
    const result = run();
    const ms = performance.now() - start;
    const entry = this.totals.get(label) ?? { kernel: label, calls: 0, ms: 0 };
    entry.calls++;
    entry.ms += ms;
    this.totals.set(label, entry);
    return result;
  }

  /** Kernel times, largest first. */
  report(): KernelTime[] {
    return [...this.totals.values()].sort((a, b) => b.ms - a.ms);
  }
  reset(): void {
    this.totals.clear();
  }

  allocate(length: number): Tensor {
    return this.inner.allocate(length);
  }
  allocateIndex(length: number): IndexTensor {
    return this.inner.allocateIndex(length);
  }
  uploadIndexMap(map: Int32Array, sourceLength: number): IndexMap {
    return this.inner.uploadIndexMap(map, sourceLength);
  }
  write(t: Tensor, data: ArrayLike<number>, offset?: number): void {
    this.timed('write (host -> backend)', () => this.inner.write(t, data, offset));
  }
  read(t: Tensor, length?: number): FloatArray {
    return this.timed('read (backend -> host)', () => this.inner.read(t, length));
  }
  readInto(t: Tensor, out: FloatArray, length?: number): void {
    this.timed('read (backend -> host)', () => this.inner.readInto(t, out, length));
  }
  readIndex(t: IndexTensor, length?: number): Int32Array {
    return this.inner.readIndex(t, length);
  }
  dispose(): void {
    this.inner.dispose();
  }
  fill(t: Tensor, value: number, length?: number): void {
    this.timed('fill', () => this.inner.fill(t, value, length));
  }
  copy(src: Tensor, dst: Tensor, n: number): void {
    this.timed('copy', () => this.inner.copy(src, dst, n));
  }
  axpby(alpha: number, x: Tensor, beta: number, y: Tensor, n: number): void {
    this.timed('axpby', () => this.inner.axpby(alpha, x, beta, y, n));
  }
  dot(x: Tensor, y: Tensor, n: number): number {
    return this.timed('dot', () => this.inner.dot(x, y, n));
  }
  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, A: Tensor, B: Tensor, C: Tensor, accumulate: boolean): void {
    this.timed(`gemm ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} ${m}x${n}x${k}`, () => this.inner.gemm(transA, transB, m, n, k, A, B, C, accumulate));
  }
  gemmBiasActivate(m: number, n: number, k: number, W: Tensor, B: Tensor, b: Tensor, A: Tensor, kind: ActivationKind, leak: number): void {
    this.timed(`gemmBiasActivate ${kind} ${m}x${n}x${k}`, () => this.inner.gemmBiasActivate(m, n, k, W, B, b, A, kind, leak));
  }
  gather(src: Tensor, map: IndexMap, dst: Tensor, count: number): void {
    this.timed(`gather ${map.sourceLength}->${map.length}`, () => this.inner.gather(src, map, dst, count));
  }
  scatterAdd(src: Tensor, map: IndexMap, dst: Tensor, count: number, accumulate: boolean): void {
    this.timed(`scatterAdd ${map.length}->${map.sourceLength}`, () => this.inner.scatterAdd(src, map, dst, count, accumulate));
  }
  addBias(S: Tensor, b: Tensor, rows: number, cols: number): void {
    this.timed('addBias', () => this.inner.addBias(S, b, rows, cols));
  }
  rowSum(S: Tensor, out: Tensor, rows: number, cols: number, accumulate: boolean): void {
    this.timed('rowSum', () => this.inner.rowSum(S, out, rows, cols, accumulate));
  }
  activate(kind: ActivationKind, leak: number, S: Tensor, A: Tensor, n: number): void {
    this.timed(`activate ${kind}`, () => this.inner.activate(kind, leak, S, A, n));
  }
  activationGrad(kind: ActivationKind, leak: number, A: Tensor, V: Tensor, n: number): void {
    this.timed(`activationGrad ${kind}`, () => this.inner.activationGrad(kind, leak, A, V, n));
  }
  maxPool(Z: Tensor, windows: IndexMap, windowSize: number, out: Tensor, argmax: IndexTensor, count: number): void {
    this.timed('maxPool', () => this.inner.maxPool(Z, windows, windowSize, out, argmax, count));
  }
  maxPoolBackward(V: Tensor, argmax: IndexTensor, n: number, dZ: Tensor, zLength: number): void {
    this.timed('maxPoolBackward', () => this.inner.maxPoolBackward(V, argmax, n, dZ, zLength));
  }
  gatherArgmax(src: Tensor, argmax: IndexTensor, n: number, dst: Tensor): void {
    this.timed('gatherArgmax', () => this.inner.gatherArgmax(src, argmax, n, dst));
  }
  avgPool(Z: Tensor, windows: IndexMap, windowSize: number, out: Tensor, count: number): void {
    this.timed('avgPool', () => this.inner.avgPool(Z, windows, windowSize, out, count));
  }
  avgPoolBackward(V: Tensor, windows: IndexMap, windowSize: number, dZ: Tensor, count: number): void {
    this.timed('avgPoolBackward', () => this.inner.avgPoolBackward(V, windows, windowSize, dZ, count));
  }
}
