/**
 * How one GEMM C (m x n) = op(A) op(B) (inner size k) is shared among threads. Threads take chunks
 * of one axis from a shared counter (so a busy core just takes fewer): wide products
 * (S = W phiPadZ, W^T dS) share columns; small outputs over a long inner product
 * (dW = dS phiPadZ^T: 64 x 288 over k = 25088) share k, each thread adding into its own partial
 * C, summed afterwards — no packing is repeated; tall ones share rows.
 */
export const MR = 8;
export const NR = 4;
const KC = 256;
const MC = 128;
const NC = 512;
/** Below this many multiply-adds one thread is faster than waking the others. */
export const PARALLEL_MIN_MACS = 1 << 18;
/** Outputs up to this many values may be split along k (one partial copy per thread). */
const K_SPLIT_MAX_OUTPUT = 1 << 17;
/** Aim for this many chunks per thread, so an uneven share evens out. */
const CHUNKS_PER_THREAD = 4;

export const enum GemmAxis {
  Columns = 0,
  Rows = 1,
  Inner = 2,
}

export type GemmSplit = { axis: 'none' } | { axis: GemmAxis; chunk: number };

const roundUp = (x: number, granule: number) => Math.ceil(x / granule) * granule;

function chunkOf(length: number, threads: number, granule: number, most: number): number {
  return roundUp(Math.max(granule, Math.min(most, Math.ceil(length / (threads * CHUNKS_PER_THREAD)))), granule);
}

export function splitGemm(m: number, n: number, k: number, threads: number): GemmSplit {
  if (threads <= 1 || m * n * k < PARALLEL_MIN_MACS) return { axis: 'none' };
  if (k >= 4 * KC && m * n <= K_SPLIT_MAX_OUTPUT) return { axis: GemmAxis.Inner, chunk: chunkOf(k, threads, KC, Infinity) };
  if (n >= NR * CHUNKS_PER_THREAD * threads) return { axis: GemmAxis.Columns, chunk: chunkOf(n, threads, NR, NC) };
  if (m >= MR * CHUNKS_PER_THREAD * threads) return { axis: GemmAxis.Rows, chunk: chunkOf(m, threads, MR, MC) };
  if (k >= KC * threads) return { axis: GemmAxis.Inner, chunk: chunkOf(k, threads, KC, Infinity) };
  return { axis: GemmAxis.Columns, chunk: chunkOf(n, threads, NR, NC) };
}
