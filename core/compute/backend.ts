/**
 * The compute-backend contract: everything the vector-form engine needs, and nothing more.
 *
 * Matrices are column-major (vec order), as in the lecture: an m x n matrix M has M[r, c] at
 * r + m*c. A batch of N instances of Z^m (d x ab each) is the d x (abN) matrix whose columns
 * run instance after instance, so one instance's values are contiguous.
 *
 * The contract is synchronous. Tensors are opaque handles owned by the backend (a typed array,
 * WebAssembly memory, a GPU texture); the engine allocates all of them once per network and
 * batch size, so nothing on a training step allocates. Only read/write cross to the host.
 */
import type { ActivationKind } from '../graph/format';

export type DType = 'float32' | 'float64';
export type FloatArray = Float32Array | Float64Array;

/** A block of floats owned by a backend. */
export interface Tensor {
  readonly length: number;
}

/** A block of int32 owned by a backend (max-pool argmax positions). */
export interface IndexTensor {
  readonly length: number;
}

/**
 * An index map (P_pad, P_phi, composed patch maps, pooling windows), uploaded once.
 * map[j] is the position in one source instance (of sourceLength values) that output position j
 * reads, or -1 for a zero (padding). Backends may precompute anything from it (an inverse map
 * for scatter-add on hardware without atomics).
 */
export interface IndexMap {
  readonly length: number;
  readonly sourceLength: number;
}

export interface ComputeBackend {
  /** Stable name used by --backend and in the store: 'reference', 'js', 'wasm-simd', 'gpujs'. */
  readonly name: string;
  readonly dtype: DType;
  /** What actually runs, for the user: e.g. "gpu.js (webgl2)" or "wasm simd128, 2 threads". */
  readonly description: string;

  allocate(length: number): Tensor;
  allocateIndex(length: number): IndexTensor;
  uploadIndexMap(map: Int32Array, sourceLength: number): IndexMap;
  /** Copies data into t starting at offset (default 0). */
  write(t: Tensor, data: ArrayLike<number>, offset?: number): void;
  /** Copies t (or its first `length` values) to the host. */
  read(t: Tensor, length?: number): FloatArray;
  /** Copies the first `length` values of t (default out.length) into out, allocating nothing (hot paths). */
  readInto(t: Tensor, out: FloatArray, length?: number): void;
  readIndex(t: IndexTensor, length?: number): Int32Array;
  /** Frees everything this backend allocated (tensors, maps, workers). */
  dispose(): void;

  fill(t: Tensor, value: number, length?: number): void;
  /** dst[0..n) = src[0..n) */
  copy(src: Tensor, dst: Tensor, n: number): void;
  /** y = alpha x + beta y over the first n values. */
  axpby(alpha: number, x: Tensor, beta: number, y: Tensor, n: number): void;
  /** sum_j x[j] y[j] over the first n values (accumulated in float64 where the backend can). */
  dot(x: Tensor, y: Tensor, n: number): number;

  /**
   * C = op(A) op(B), or C += op(A) op(B) when accumulate. op(A) is m x k, op(B) is k x n, C is m x n.
   * A is stored m x k (k x m when transA), B k x n (n x k when transB), all column-major, packed.
   */
  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, A: Tensor, B: Tensor, C: Tensor, accumulate: boolean): void;

  /**
   * A = sigma(W B + b 1^T): the affine layer's forward in one call (W m x k, B k x n, b m values,
   * A m x n; no transposes). Equal to gemm, addBias and activate in turn (composedGemmBiasActivate);
   * a backend may apply the bias and sigma while it writes each block of the product.
   */
  gemmBiasActivate(m: number, n: number, k: number, W: Tensor, B: Tensor, b: Tensor, A: Tensor, kind: ActivationKind, leak: number): void;

  /** For each of `count` instances: dst[i*map.length + j] = map[j] >= 0 ? src[i*map.sourceLength + map[j]] : 0. */
  gather(src: Tensor, map: IndexMap, dst: Tensor, count: number): void;
  /** The transpose of gather: dst[i*map.sourceLength + map[j]] += src[i*map.length + j]; dst is zeroed first unless accumulate. */
  scatterAdd(src: Tensor, map: IndexMap, dst: Tensor, count: number, accumulate: boolean): void;

  /** S[r, c] += b[r] for an rows x cols matrix S. */
  addBias(S: Tensor, b: Tensor, rows: number, cols: number): void;
  /** out[r] = sum_c S[r, c] (out += ... when accumulate): db = v 1. */
  rowSum(S: Tensor, out: Tensor, rows: number, cols: number, accumulate: boolean): void;

  /** A = sigma(S) elementwise over n values (A may be S). */
  activate(kind: ActivationKind, leak: number, S: Tensor, A: Tensor, n: number): void;
  /** V = V .* sigma'(S), with sigma' computed from A = sigma(S) (every supported sigma allows this). */
  activationGrad(kind: ActivationKind, leak: number, A: Tensor, V: Tensor, n: number): void;

  /**
   * Max pooling over `count` instances. windows.length = outSize * windowSize: the window of output
   * position o is windows[o*windowSize .. (o+1)*windowSize). out[i*outSize + o] is the max, and
   * argmax[i*outSize + o] its position in Z counted from the start of the batch (i*sourceLength + ...).
   */
  maxPool(Z: Tensor, windows: IndexMap, windowSize: number, out: Tensor, argmax: IndexTensor, count: number): void;
  /** dZ = P_pool^T V: dZ zeroed over zLength values, then dZ[argmax[k]] += V[k] for k < n. */
  maxPoolBackward(V: Tensor, argmax: IndexTensor, n: number, dZ: Tensor, zLength: number): void;
  /** dst[k] = src[argmax[k]] for k < n: P_pool applied with a stored selection (for R-operator passes). */
  gatherArgmax(src: Tensor, argmax: IndexTensor, n: number, dst: Tensor): void;
  /** Average pooling: out[i*outSize + o] = mean of the window. */
  avgPool(Z: Tensor, windows: IndexMap, windowSize: number, out: Tensor, count: number): void;
  /** The transpose of avgPool: dZ zeroed, then each window position gets V/windowSize. */
  avgPoolBackward(V: Tensor, windows: IndexMap, windowSize: number, dZ: Tensor, count: number): void;
}

/** Builds a backend; `available` says whether it can run on this machine (and why not). */
export interface BackendFactory {
  readonly name: string;
  readonly dtype: DType;
  /** `description`, when given, says what would run (e.g. the GPU's renderer) before one is created. */
  available(): Promise<{ ok: true; description?: string } | { ok: false; reason: string }>;
  create(): Promise<ComputeBackend>;
}

/** gemmBiasActivate from the contract's separate operations (every backend's reference behaviour). */
export function composedGemmBiasActivate(be: ComputeBackend, m: number, n: number, k: number, W: Tensor, B: Tensor, b: Tensor, A: Tensor, kind: ActivationKind, leak: number): void {
  be.gemm(false, false, m, n, k, W, B, A, false);
  be.addBias(A, b, m, n);
  be.activate(kind, leak, A, A, m * n);
}
