/**
 * The 'wasm-simd' backend: AssemblyScript kernels compiled with 128-bit SIMD, every tensor in one
 * shared WebAssembly.Memory (so kernels hand data to each other without copies), big kernels
 * spread over all cores by a ThreadPool of worker threads over that same memory.
 */
import { availableParallelism } from 'node:os';
import type { ActivationKind } from '../../graph/format';
import { composedGemmBiasActivate, type BackendFactory, type ComputeBackend, type IndexMap, type IndexTensor, type Tensor } from '../backend';
import { Arena } from './arena';
import { KERNEL_NAMES, MAXIMUM_PAGES, RESERVED_BYTES, kernelsUnavailableReason, loadKernelModule, type KernelExports, type KernelName } from './kernelModule';
import { GemmAxis, splitGemm, type GemmSplit } from './gemmSplit';
import { ARGS_PER_ROW, ROWS_PER_THREAD, ThreadPool } from './threadPool';

/** Matches the blocking in assembly/gemm.ts: MC*KC, KC*NC and MR*NR floats per thread. */
const PACK_A_FLOATS = 128 * 256;
const PACK_B_FLOATS = 256 * 512;
const TILE_FLOATS = 8 * 4;
/**
 * scatterAdd runs as a gather over the inverse map where a source value receives at most this many
 * entries on average: each sum is a chain of dependent adds, so with long chains (fan-in 25 of a
 * 5 x 5 window at stride 1: 0.69x) the scatter loop, whose adds into different values overlap, is
 * faster; with 3 x 3 windows (fan-in 9) the gather took 1.23-1.26x less CPU (bench/lever-bench.ts).
 */
const GATHER_MAX_MEAN_FAN = 12;
/** Element-wise work below this many values stays on the calling thread. */
const PARALLEL_MIN_VALUES = 1 << 16;
/** Shared element-wise and per-instance work is cut into this many chunks per thread (taken dynamically). */
const CHUNKS_PER_THREAD = 4;
if (CHUNKS_PER_THREAD > ROWS_PER_THREAD) throw new Error('wasm-simd: more chunks per thread than argument rows');

const ACTIVATION_CODE: Record<ActivationKind, number> = { relu: 0, leaky_relu: 1, tanh: 2, sigmoid: 3, linear: 4 };
/** The write-back mode of assembly/gemm.ts (FINISH_BIAS_ACTIVATE) and its descriptor's size. */
const FINISH_BIAS_ACTIVATE = 1;
const FINISH_BYTES = 16;

class WasmTensor implements Tensor {
  /** For an argmax tensor: the pooling it last recorded (so its backward can split instances). */
  pooled: { outSize: number; sourceLength: number } | null = null;
  constructor(
    readonly ptr: number,
    readonly length: number,
  ) {}
}

class WasmIndexMap implements IndexMap {
  /** Per window size: whether maxPoolLanes may run on this map (see lanesConsecutive). */
  readonly lanes = new Map<number, boolean>();
  /** See laneStride (found on the first gather; 0: none). */
  laneStride: number | undefined = undefined;
  /** The inverse map (built on the first scatterAdd), or null where the scatter loop is faster: see invertMap. */
  inverse: { offsets: number; entries: number; lanes: number } | null | undefined = undefined;
  constructor(
    readonly ptr: number,
    readonly length: number,
    readonly sourceLength: number,
  ) {}
}

/**
 * Whether every group of four consecutive windows (of `size` entries each) reads four consecutive
 * positions at each window entry: true for pooling windows over d % 4 == 0 channels, which then
 * pool as one f32x4 per window entry.
 */
function lanesConsecutive(map: Int32Array, size: number): boolean {
  const windows = map.length / size;
  if (windows % 4 !== 0) return false;
  for (let g = 0; g < windows; g += 4)
    for (let t = 0; t < size; t++) {
      const first = map[g * size + t];
      for (let l = 1; l < 4; l++) if (map[(g + l) * size + t] !== first + l) return false;
    }
  return true;
}

/**
 * The inverse of an index map in compressed rows: the entries j with map[j] = z are
 * entries[offsets[z] .. offsets[z+1]), in ascending j. scatterAdd then computes each dst[z] as one
 * sum, in the order the scatter loop adds them, with no read-modify-write of memory.
 */
function invertMap(map: Int32Array, sourceLength: number): { offsets: Int32Array; entries: Int32Array } {
  const offsets = new Int32Array(sourceLength + 1);
  for (const z of map) if (z >= 0) offsets[z + 1]++;
  for (let z = 0; z < sourceLength; z++) offsets[z + 1] += offsets[z];
  const entries = new Int32Array(offsets[sourceLength]);
  const next = offsets.slice(0, sourceLength);
  map.forEach((z, j) => {
    if (z >= 0) entries[next[z]++] = j;
  });
  return { offsets, entries };
}

/**
 * S when, in the inverse map, each group of four consecutive positions (4z .. 4z+3) is read by
 * the same number of entries and position 4z + t's entries are 4z's plus t S (what laneStride
 * finds, seen from the positions), else 0: the four sums then run in the lanes of one f32x4.
 */
function inverseLaneStride(offsets: Int32Array, entries: Int32Array, S: number): number {
  const sourceLength = offsets.length - 1;
  if (S === 0 || sourceLength % 4 !== 0) return 0;
  for (let z = 0; z < sourceLength; z += 4) {
    const fan = offsets[z + 1] - offsets[z];
    for (let t = 1; t < 4; t++) {
      if (offsets[z + t + 1] - offsets[z + t] !== fan) return 0;
      for (let e = 0; e < fan; e++) if (entries[offsets[z + t] + e] !== entries[offsets[z] + e] + t * S) return 0;
    }
  }
  return S;
}

/**
 * The smallest S such that in every block of 4S entries, the entries j of the first S read four
 * consecutive positions at j, j + S, j + 2S, j + 3S (or are all -1), or 0 when there is none. For
 * P_phi P_pad of d % 4 == 0 channels, S = h h (one channel's window; the next channel's is S
 * entries on and reads the next position): gather then moves four channels with one f32x4 load.
 */
function laneStride(map: Int32Array): number {
  search: for (let S = 1; 4 * S <= Math.min(map.length, 4096); S++) {
    if (map.length % (4 * S) !== 0) continue;
    for (let b = 0; b < map.length; b += 4 * S)
      for (let j = b; j < b + S; j++) {
        const from = map[j];
        for (let t = 1; t < 4; t++) if (from < 0 ? map[j + t * S] >= 0 : map[j + t * S] !== from + t) continue search;
      }
    return S;
  }
  return 0;
}

const ptrOf = (t: Tensor | IndexTensor | IndexMap): number => (t as WasmTensor).ptr;

interface ThreadScratch {
  Ap: number;
  Bp: number;
  tile: number;
}

export class WasmSimdBackend implements ComputeBackend {
  readonly name = 'wasm-simd';
  readonly dtype = 'float32' as const;
  readonly description: string;
  private readonly scratch: ThreadScratch[] = [];
  /** The partial products of a k-split GEMM, one m x n block per chunk of k (grown on demand). */
  private partials = 0;
  private partialFloats = 0;
  private readonly splits = new Map<string, GemmSplit>();
  /** The shared chunk counter of gemmShared (one i32). */
  private readonly counter: number;
  /** The write-back descriptor of gemmBiasActivate (see assembly/gemm.ts). */
  private readonly finish: number;
  /**
   * The speed levers bench/lever-bench.ts switches for its before/after (results are bit-identical
   * either way): biasActivate, gemmBiasActivate applies b and sigma in the GEMM's write-back (else
   * the contract's separate operations); scatterAsGather, scatterAdd runs as a gather over the
   * map's inverse (else the scatter loop); gatherLanes, gather moves four channels per f32x4 where
   * the map allows (see laneStride; else one value at a time); unpackedB, GEMMs with at most 32
   * rows read B's full panels in place instead of packing them (assembly/gemm.ts).
   */
  readonly levers = { biasActivate: true, scatterAsGather: true, gatherLanes: true, unpackedB: true };

  private constructor(
    private readonly arena: Arena,
    private readonly pool: ThreadPool,
    private readonly kernels: KernelExports,
    fused: boolean,
  ) {
    this.description = `wasm simd128${fused ? ' + relaxed fma' : ''}, ${pool.threads} thread${pool.threads === 1 ? '' : 's'}`;
    this.counter = arena.allocate(4);
    this.finish = arena.allocate(FINISH_BYTES);
    for (let t = 0; t < pool.threads; t++) {
      this.scratch.push({ Ap: arena.allocate(PACK_A_FLOATS * 4), Bp: arena.allocate(PACK_B_FLOATS * 4), tile: arena.allocate(TILE_FLOATS * 4) });
    }
  }

  /** threads: all cores by default; preferFused: take the relaxed-SIMD (fma) kernels where they run. */
  static async create(threads = availableParallelism(), preferFused = true): Promise<WasmSimdBackend> {
    const reason = kernelsUnavailableReason();
    if (reason) throw new Error(`wasm-simd backend unavailable: ${reason}`);
    const { module, fused } = loadKernelModule(preferFused);
    const memory = new WebAssembly.Memory({ initial: Math.ceil((RESERVED_BYTES + (1 << 20)) / 65536), maximum: MAXIMUM_PAGES, shared: true });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const kernels = instance.exports as unknown as KernelExports;
    for (const name of KERNEL_NAMES) if (typeof kernels[name] !== 'function') throw new Error(`wasm-simd: kernels.wasm lacks export ${name} (rebuild with npm run build:wasm)`);
    const pool = await ThreadPool.start(Math.max(1, threads), module, memory, kernels);
    const backend = new WasmSimdBackend(new Arena(memory), pool, kernels, fused);
    backend.warmUp();
    return backend;
  }

  /**
   * V8 first runs wasm in its baseline compiler and optimises a function only once it is hot, in
   * each thread: without this, the first training steps run the workers' GEMM several times slower.
   */
  private warmUp(): void {
    const [m, n, k] = [64, 4096, 256];
    const A = this.allocate(m * k);
    const B = this.allocate(k * n);
    const C = this.allocate(m * n);
    for (let run = 0; run < 6; run++) {
      this.gemm(false, false, m, n, k, A, B, C, false);
      this.gemm(true, true, k, k, n / 8, B, B, C, true);
    }
  }

  get threads(): number {
    return this.pool.threads;
  }

  allocate(length: number): Tensor {
    return new WasmTensor(this.arena.allocate(length * 4), length);
  }
  allocateIndex(length: number): IndexTensor {
    return new WasmTensor(this.arena.allocate(length * 4), length);
  }
  uploadIndexMap(map: Int32Array, sourceLength: number): IndexMap {
    const ptr = this.arena.allocate(map.length * 4);
    this.arena.i32().set(map, ptr >> 2);
    return new WasmIndexMap(ptr, map.length, sourceLength);
  }
  write(t: Tensor, data: ArrayLike<number>, offset = 0): void {
    if (offset + data.length > t.length) throw new RangeError(`wasm-simd write: ${data.length} values at offset ${offset} overflow a tensor of ${t.length}`);
    this.arena.f32().set(data, (ptrOf(t) >> 2) + offset);
  }
  read(t: Tensor, length = t.length): Float32Array {
    const at = ptrOf(t) >> 2;
    return this.arena.f32().slice(at, at + length);
  }
  readInto(t: Tensor, out: Float32Array | Float64Array, length = out.length): void {
    const at = ptrOf(t) >> 2;
    out.set(this.arena.f32().subarray(at, at + length));
  }
  readIndex(t: IndexTensor, length = t.length): Int32Array {
    const at = ptrOf(t) >> 2;
    return this.arena.i32().slice(at, at + length);
  }
  dispose(): void {
    void this.pool.dispose();
  }

  /**
   * Cuts [0, n) into chunks (multiples of 4 values), CHUNKS_PER_THREAD per thread, taken by the
   * threads from a shared counter, and runs `name` with (ptr offsets, chunk length) rows.
   */
  private elementwise(name: KernelName, n: number, fillRow: (row: number, start: number, length: number) => void): void {
    const a = this.pool.args;
    const parts = n >= PARALLEL_MIN_VALUES ? this.pool.threads * CHUNKS_PER_THREAD : 1;
    const chunk = Math.ceil(n / parts / 4) * 4;
    let rows = 0;
    for (let t = 0; t < parts; t++) {
      const start = t * chunk;
      const length = Math.min(chunk, n - start);
      if (length <= 0) break;
      a.fill(0, t * ARGS_PER_ROW, (t + 1) * ARGS_PER_ROW);
      fillRow(t * ARGS_PER_ROW, start, length);
      rows++;
    }
    if (rows > 0) this.pool.dispatchChunks(name, rows);
  }

  /** Cuts `count` instances into chunks taken by the threads; fillRow writes a row for the range [i0, i1). */
  private perInstance(name: KernelName, count: number, valuesPerInstance: number, fillRow: (row: number, i0: number, i1: number) => void): void {
    const a = this.pool.args;
    const parts = Math.min(count, count * valuesPerInstance >= PARALLEL_MIN_VALUES ? this.pool.threads * CHUNKS_PER_THREAD : 1);
    for (let t = 0; t < parts; t++) {
      a.fill(0, t * ARGS_PER_ROW, (t + 1) * ARGS_PER_ROW);
      fillRow(t * ARGS_PER_ROW, Math.floor((count * t) / parts), Math.floor((count * (t + 1)) / parts));
    }
    if (parts > 0) this.pool.dispatchChunks(name, parts);
  }

  fill(t: Tensor, value: number, length = t.length): void {
    const p = ptrOf(t);
    this.elementwise('fill', length, (r, start, len) => {
      const a = this.pool.args;
      a[r] = p + 4 * start;
      a[r + 1] = value;
      a[r + 2] = len;
    });
  }
  copy(src: Tensor, dst: Tensor, n: number): void {
    const s = ptrOf(src);
    const d = ptrOf(dst);
    this.elementwise('copy', n, (r, start, len) => {
      const a = this.pool.args;
      a[r] = s + 4 * start;
      a[r + 1] = d + 4 * start;
      a[r + 2] = len;
    });
  }
  axpby(alpha: number, x: Tensor, beta: number, y: Tensor, n: number): void {
    const xp = ptrOf(x);
    const yp = ptrOf(y);
    this.elementwise('axpby', n, (r, start, len) => {
      const a = this.pool.args;
      a[r] = alpha;
      a[r + 1] = xp + 4 * start;
      a[r + 2] = beta;
      a[r + 3] = yp + 4 * start;
      a[r + 4] = len;
    });
  }
  dot(x: Tensor, y: Tensor, n: number): number {
    return this.kernels.dot(ptrOf(x), ptrOf(y), n);
  }

  private split(m: number, n: number, k: number): GemmSplit {
    const key = `${m},${n},${k}`;
    let split = this.splits.get(key);
    if (!split) {
      split = splitGemm(m, n, k, this.pool.threads);
      this.splits.set(key, split);
    }
    return split;
  }

  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, A: Tensor, B: Tensor, C: Tensor, accumulate: boolean): void {
    this.runGemm(transA, transB, m, n, k, A, B, C, accumulate, 0);
  }

  gemmBiasActivate(m: number, n: number, k: number, W: Tensor, B: Tensor, b: Tensor, A: Tensor, kind: ActivationKind, leak: number): void {
    // A k-split product is only complete after its partials are summed: no tile is final before.
    if (!this.levers.biasActivate || k === 0 || m === 0 || n === 0 || this.split(m, n, k).axis === GemmAxis.Inner) {
      composedGemmBiasActivate(this, m, n, k, W, B, b, A, kind, leak);
      return;
    }
    const i32 = this.arena.i32();
    const at = this.finish >> 2;
    i32[at] = FINISH_BIAS_ACTIVATE;
    i32[at + 1] = ACTIVATION_CODE[kind];
    this.arena.f32()[at + 2] = leak;
    i32[at + 3] = ptrOf(b);
    this.runGemm(false, false, m, n, k, W, B, A, false, this.finish);
  }

  private runGemm(transA: boolean, transB: boolean, m: number, n: number, k: number, A: Tensor, B: Tensor, C: Tensor, accumulate: boolean, finish: number): void {
    if (m === 0 || n === 0) return;
    const split = this.split(m, n, k);
    const a = this.pool.args;
    if (split.axis === 'none') {
      const s = this.scratch[0];
      this.kernels.gemmBlock(transA ? 1 : 0, transB ? 1 : 0, m, n, k, ptrOf(A), ptrOf(B), ptrOf(C), m, accumulate ? 1 : 0, 0, m, 0, n, 0, k, s.Ap, s.Bp, s.tile, finish, this.levers.unpackedB ? 1 : 0);
      return;
    }
    const threads = this.pool.threads;
    const byK = split.axis === GemmAxis.Inner;
    const kChunks = byK ? Math.ceil(k / split.chunk) : 0;
    if (byK) this.ensurePartials(m * n * kChunks);
    Atomics.store(this.arena.i32(), this.counter >> 2, 0);
    for (let t = 0; t < threads; t++) {
      const s = this.scratch[t];
      const r = t * ARGS_PER_ROW;
      a[r] = transA ? 1 : 0;
      a[r + 1] = transB ? 1 : 0;
      a[r + 2] = m;
      a[r + 3] = n;
      a[r + 4] = k;
      a[r + 5] = ptrOf(A);
      a[r + 6] = ptrOf(B);
      a[r + 7] = ptrOf(C);
      a[r + 8] = accumulate ? 1 : 0;
      a[r + 9] = split.axis;
      a[r + 10] = split.chunk;
      a[r + 11] = this.counter;
      a[r + 12] = finish;
      a[r + 13] = byK ? this.partials : 0;
      a[r + 14] = s.Ap;
      a[r + 15] = s.Bp;
      a[r + 16] = s.tile;
      a[r + 17] = this.levers.unpackedB ? 1 : 0;
    }
    this.pool.dispatch('gemmShared', threads);
    if (byK) {
      // C (+)= the chunks' partial products, always in chunk order: the same sum whoever took what.
      const c = ptrOf(C);
      const size = m * n;
      if (!accumulate) this.kernels.copy(this.partials, c, size);
      for (let j = accumulate ? 0 : 1; j < kChunks; j++) this.kernels.axpby(1, this.partials + 4 * j * size, 1, c, size);
    }
  }

  /**
   * GFLOP/s of the GEMM micro-kernel alone on `threads` threads (panels in L1, no packing, no
   * memory traffic): the ceiling the bench measures each GEMM shape against.
   */
  microKernelPeakGflops(threads = this.pool.threads, ms = 200): number {
    const kc = 256;
    const reps = 2000;
    const a = this.pool.args;
    const once = () => {
      for (let t = 0; t < threads; t++) {
        const s = this.scratch[t];
        a.fill(0, t * ARGS_PER_ROW, (t + 1) * ARGS_PER_ROW);
        a.set([kc, reps, s.Ap, s.Bp, s.tile], t * ARGS_PER_ROW);
      }
      this.pool.dispatch('microKernelPeak', threads);
    };
    once();
    let runs = 0;
    const start = performance.now();
    while (performance.now() - start < ms) {
      once();
      runs++;
    }
    return (2 * 8 * 4 * kc * reps * threads * runs) / ((performance.now() - start) * 1e6);
  }

  /** Room for the k-split chunks' partial products (one m x n block per chunk), grown on demand. */
  private ensurePartials(floats: number): void {
    if (floats <= this.partialFloats) return;
    this.partials = this.arena.allocate(floats * 4);
    this.partialFloats = floats;
  }

  gather(src: Tensor, map: IndexMap, dst: Tensor, count: number): void {
    const s = ptrOf(src);
    const mp = ptrOf(map);
    const d = ptrOf(dst);
    const m = map as WasmIndexMap;
    if (m.laneStride === undefined) m.laneStride = laneStride(this.arena.i32().subarray(m.ptr >> 2, (m.ptr >> 2) + m.length));
    const stride = this.levers.gatherLanes ? m.laneStride : 0;
    this.perInstance(stride ? 'gatherLanes' : 'gather', count, map.length, (r, i0, i1) => {
      const a = this.pool.args;
      a[r] = s;
      a[r + 1] = map.sourceLength;
      a[r + 2] = mp;
      a[r + 3] = map.length;
      a[r + 4] = d;
      a[r + 5] = i0;
      a[r + 6] = i1;
      a[r + 7] = stride;
    });
  }
  scatterAdd(src: Tensor, map: IndexMap, dst: Tensor, count: number, accumulate: boolean): void {
    const s = ptrOf(src);
    const mp = ptrOf(map);
    const d = ptrOf(dst);
    const inverse = this.levers.scatterAsGather ? this.inverseOf(map as WasmIndexMap) : null;
    if (inverse) {
      const lanes = this.levers.gatherLanes ? inverse.lanes : 0;
      this.perInstance(lanes ? 'scatterAddByInverseLanes' : 'scatterAddByInverse', count, map.length, (r, i0, i1) => {
        const a = this.pool.args;
        a[r] = s;
        a[r + 1] = map.length;
        a[r + 2] = inverse.offsets;
        a[r + 3] = inverse.entries;
        a[r + 4] = d;
        a[r + 5] = map.sourceLength;
        a[r + 6] = accumulate ? 1 : 0;
        a[r + 7] = i0;
        a[r + 8] = i1;
        a[r + 9] = lanes;
      });
      return;
    }
    this.perInstance('scatterAdd', count, map.length, (r, i0, i1) => {
      const a = this.pool.args;
      a[r] = s;
      a[r + 1] = mp;
      a[r + 2] = map.length;
      a[r + 3] = d;
      a[r + 4] = map.sourceLength;
      a[r + 5] = accumulate ? 1 : 0;
      a[r + 6] = i0;
      a[r + 7] = i1;
    });
  }

  private inverseOf(map: WasmIndexMap): { offsets: number; entries: number; lanes: number } | null {
    if (map.inverse === undefined) {
      const values = this.arena.i32().slice(map.ptr >> 2, (map.ptr >> 2) + map.length);
      map.laneStride ??= laneStride(values);
      const { offsets, entries } = invertMap(values, map.sourceLength);
      if (entries.length > GATHER_MAX_MEAN_FAN * map.sourceLength) return (map.inverse = null);
      const o = this.arena.allocate(offsets.length * 4);
      const e = this.arena.allocate(Math.max(1, entries.length) * 4);
      this.arena.i32().set(offsets, o >> 2);
      this.arena.i32().set(entries, e >> 2);
      map.inverse = { offsets: o, entries: e, lanes: inverseLaneStride(offsets, entries, map.laneStride) };
    }
    return map.inverse;
  }

  addBias(S: Tensor, b: Tensor, rows: number, cols: number): void {
    const s = ptrOf(S);
    const bp = ptrOf(b);
    this.perInstance('addBias', cols, rows, (r, c0, c1) => {
      const a = this.pool.args;
      a[r] = s;
      a[r + 1] = bp;
      a[r + 2] = rows;
      a[r + 3] = c0;
      a[r + 4] = c1;
    });
  }
  rowSum(S: Tensor, out: Tensor, rows: number, cols: number, accumulate: boolean): void {
    this.kernels.rowSum(ptrOf(S), ptrOf(out), rows, cols, accumulate ? 1 : 0);
  }

  activate(kind: ActivationKind, leak: number, S: Tensor, A: Tensor, n: number): void {
    const code = ACTIVATION_CODE[kind];
    const s = ptrOf(S);
    const ap = ptrOf(A);
    this.elementwise('activate', n, (r, start, len) => {
      const a = this.pool.args;
      a[r] = code;
      a[r + 1] = leak;
      a[r + 2] = s + 4 * start;
      a[r + 3] = ap + 4 * start;
      a[r + 4] = len;
    });
  }
  activationGrad(kind: ActivationKind, leak: number, A: Tensor, V: Tensor, n: number): void {
    const code = ACTIVATION_CODE[kind];
    const ap = ptrOf(A);
    const v = ptrOf(V);
    this.elementwise('activationGrad', n, (r, start, len) => {
      const a = this.pool.args;
      a[r] = code;
      a[r + 1] = leak;
      a[r + 2] = ap + 4 * start;
      a[r + 3] = v + 4 * start;
      a[r + 4] = len;
    });
  }

  maxPool(Z: Tensor, windows: IndexMap, windowSize: number, out: Tensor, argmax: IndexTensor, count: number): void {
    const z = ptrOf(Z);
    const w = ptrOf(windows);
    const o = ptrOf(out);
    const am = ptrOf(argmax);
    const outSize = windows.length / windowSize;
    const map = windows as WasmIndexMap;
    let lanes = map.lanes.get(windowSize);
    if (lanes === undefined) {
      lanes = lanesConsecutive(this.arena.i32().subarray(map.ptr >> 2, (map.ptr >> 2) + map.length), windowSize);
      map.lanes.set(windowSize, lanes);
    }
    (argmax as WasmTensor).pooled = { outSize, sourceLength: windows.sourceLength };
    this.perInstance(lanes ? 'maxPoolLanes' : 'maxPool', count, windows.length, (r, i0, i1) => {
      const a = this.pool.args;
      a[r] = z;
      a[r + 1] = windows.sourceLength;
      a[r + 2] = w;
      a[r + 3] = windowSize;
      a[r + 4] = outSize;
      a[r + 5] = o;
      a[r + 6] = am;
      a[r + 7] = i0;
      a[r + 8] = i1;
    });
  }
  maxPoolBackward(V: Tensor, argmax: IndexTensor, n: number, dZ: Tensor, zLength: number): void {
    const v = ptrOf(V);
    const am = ptrOf(argmax);
    const dz = ptrOf(dZ);
    const pooled = (argmax as WasmTensor).pooled;
    // Overlapping windows may send two values to one position of an instance, so threads take whole
    // instances; without the recorded pooling the scatter stays on one thread.
    if (!pooled || n % pooled.outSize !== 0 || zLength !== (n / pooled.outSize) * pooled.sourceLength) {
      this.kernels.maxPoolBackward(v, am, 0, n, dz, 0, zLength);
      return;
    }
    const { outSize, sourceLength } = pooled;
    this.perInstance('maxPoolBackward', n / outSize, sourceLength, (r, i0, i1) => {
      const a = this.pool.args;
      a[r] = v;
      a[r + 1] = am;
      a[r + 2] = i0 * outSize;
      a[r + 3] = i1 * outSize;
      a[r + 4] = dz;
      a[r + 5] = i0 * sourceLength;
      a[r + 6] = i1 * sourceLength;
    });
  }
  gatherArgmax(src: Tensor, argmax: IndexTensor, n: number, dst: Tensor): void {
    const s = ptrOf(src);
    const am = ptrOf(argmax);
    const d = ptrOf(dst);
    this.elementwise('gatherArgmax', n, (r, start, len) => {
      const a = this.pool.args;
      a[r] = s;
      a[r + 1] = am + 4 * start;
      a[r + 2] = len;
      a[r + 3] = d + 4 * start;
    });
  }
  avgPool(Z: Tensor, windows: IndexMap, windowSize: number, out: Tensor, count: number): void {
    const z = ptrOf(Z);
    const w = ptrOf(windows);
    const o = ptrOf(out);
    const outSize = windows.length / windowSize;
    this.perInstance('avgPool', count, windows.length, (r, i0, i1) => {
      const a = this.pool.args;
      a[r] = z;
      a[r + 1] = windows.sourceLength;
      a[r + 2] = w;
      a[r + 3] = windowSize;
      a[r + 4] = outSize;
      a[r + 5] = o;
      a[r + 6] = i0;
      a[r + 7] = i1;
    });
  }
  avgPoolBackward(V: Tensor, windows: IndexMap, windowSize: number, dZ: Tensor, count: number): void {
    const v = ptrOf(V);
    const w = ptrOf(windows);
    const dz = ptrOf(dZ);
    const outSize = windows.length / windowSize;
    this.perInstance('avgPoolBackward', count, windows.length, (r, i0, i1) => {
      const a = this.pool.args;
      a[r] = v;
      a[r + 1] = w;
      a[r + 2] = windowSize;
      a[r + 3] = outSize;
      a[r + 4] = dz;
      a[r + 5] = windows.sourceLength;
      a[r + 6] = i0;
      a[r + 7] = i1;
    });
  }
}

export const wasmSimdFactory: BackendFactory = {
  name: 'wasm-simd',
  dtype: 'float32',
  async available() {
    const reason = kernelsUnavailableReason();
    return reason ? { ok: false, reason } : { ok: true };
  },
  create: () => WasmSimdBackend.create(),
};
