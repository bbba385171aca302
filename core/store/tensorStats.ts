import type { TensorStats } from './records';

export const DEFAULT_HISTOGRAM_BINS = 32;

/**
 * Norm, mean, std, min, max and a histogram with `bins` equal-width bins over [min, max] of one
 * tensor (a gradient dW or db, or parameters W or b), in two passes over the values.
 * Accumulates in float64 whatever the input's precision. Non-finite values make every figure NaN
 * (with an empty histogram), which is how a diverging run shows up.
 */
export function computeTensorStats(values: ArrayLike<number>, bins = DEFAULT_HISTOGRAM_BINS): TensorStats {
  const n = values.length;
  if (n === 0) return { norm: 0, mean: 0, std: 0, min: 0, max: 0, histogram: { edges: [0, 0], counts: [0] } };
  let sum = 0;
  let sumSquares = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    sum += x;
    sumSquares += x * x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  if (!Number.isFinite(sum) || !Number.isFinite(sumSquares) || !Number.isFinite(min) || !Number.isFinite(max))
    return { norm: NaN, mean: NaN, std: NaN, min: NaN, max: NaN, histogram: { edges: [NaN, NaN], counts: [0] } };
  const mean = sum / n;
  let squaredDeviations = 0;
  const counts = new Array<number>(bins).fill(0);
  const edges: number[] = [];
  for (let i = 0; i <= bins; i++) edges.push(i === bins ? max : min + ((max - min) * i) / bins);
  const width = (max - min) / bins;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    squaredDeviations += (x - mean) * (x - mean);
    let bin = 0;
    if (width > 0) {
      bin = Math.min(bins - 1, Math.floor((x - min) / width));
      // the division can round across an edge; the stored edges are the truth
      if (bin > 0 && x < edges[bin]) bin--;
      else if (bin < bins - 1 && x >= edges[bin + 1]) bin++;
    }
    counts[bin]++;
  }
  return { norm: Math.sqrt(sumSquares), mean, std: Math.sqrt(squaredDeviations / n), min, max, histogram: { edges, counts } };
}
