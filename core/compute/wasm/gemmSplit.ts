/**
 * How one GEMM C (m x n) = op(A) op(B) (inner size k) is shared among threads. Wide products
 * (S = W phiPadZ, W^T dS) split the columns; tall ones split the rows; small outputs with a long
 * inner product (dW = dS phiPadZ^T: 32 x 25 over k = 100352) split k into private partial C's
 * that are summed afterwards.
 */
export const MR = 8;
export const NR = 4;
/** Below this many multiply-adds one thread is faster than waking the others. */
export const PARALLEL_MIN_MACS = 1 << 18;

export interface GemmPart {
  m0: number;
  m1: number;
  n0: number;
  n1: number;
  k0: number;
  k1: number;
}

export type GemmSplit = { axis: 'none' | 'n' | 'm' | 'k'; parts: GemmPart[] };

function cut(length: number, pieces: number, granule: number): [number, number][] {
  const units = Math.ceil(length / granule);
  const ranges: [number, number][] = [];
  for (let t = 0; t < pieces; t++) {
    const start = Math.min(length, Math.floor((units * t) / pieces) * granule);
    const end = Math.min(length, Math.floor((units * (t + 1)) / pieces) * granule);
    if (end > start) ranges.push([start, end]);
  }
  return ranges;
}

export function splitGemm(m: number, n: number, k: number, threads: number): GemmSplit {
  const whole = { m0: 0, m1: m, n0: 0, n1: n, k0: 0, k1: k };
  if (threads <= 1 || m * n * k < PARALLEL_MIN_MACS) return { axis: 'none', parts: [whole] };
  if (n >= NR * 4 * threads) return { axis: 'n', parts: cut(n, threads, NR).map(([n0, n1]) => ({ ...whole, n0, n1 })) };
  if (m >= MR * 4 * threads) return { axis: 'm', parts: cut(m, threads, MR).map(([m0, m1]) => ({ ...whole, m0, m1 })) };
  if (k >= 256 * threads) return { axis: 'k', parts: cut(k, threads, 256).map(([k0, k1]) => ({ ...whole, k0, k1 })) };
  return { axis: 'n', parts: cut(n, threads, NR).map(([n0, n1]) => ({ ...whole, n0, n1 })) };
}
