/**
 * The loss xi(z^{L+1}; y) on the network's output (classes x count scores, column-major), computed
 * on the host: the output is small. Squared loss is simpleNN's default: xi = ||z - y||^2 with
 * one-hot y. Softmax cross-entropy: xi = -log softmax(z)_y.
 */
import type { FloatArray } from '../compute/backend';
import type { LossKind } from '../graph/format';

export interface LossSums {
  /** sum_i xi_i over the batch */
  lossSum: number;
  /** instances whose largest score is the true class */
  correct: number;
}

/**
 * Sums xi over the batch and writes v = scale * dxi/dz into v (classes x count).
 * v may be null when only the loss is wanted.
 */
export function lossAndGradient(kind: LossKind, z: FloatArray, labels: ArrayLike<number>, count: number, classes: number, scale: number, v: FloatArray | null): LossSums {
  let lossSum = 0;
  let correct = 0;
  for (let i = 0; i < count; i++) {
    const off = i * classes;
    const y = labels[i];
    let best = 0;
    for (let j = 1; j < classes; j++) if (z[off + j] > z[off + best]) best = j;
    if (best === y) correct++;
    if (kind === 'squared') {
      for (let j = 0; j < classes; j++) {
        const diff = z[off + j] - (j === y ? 1 : 0);
        lossSum += diff * diff;
        if (v) v[off + j] = scale * 2 * diff;
      }
    } else {
      const max = z[off + best];
      let sumExp = 0;
      for (let j = 0; j < classes; j++) sumExp += Math.exp(z[off + j] - max);
      const logSumExp = max + Math.log(sumExp);
      lossSum += logSumExp - z[off + y];
      if (v) for (let j = 0; j < classes; j++) v[off + j] = scale * (Math.exp(z[off + j] - logSumExp) - (j === y ? 1 : 0));
    }
  }
  return { lossSum, correct };
}

/**
 * out = scale * B u per instance, with B = d^2 xi / dz^2 (the Gauss-Newton matrix's middle factor):
 * 2I for the squared loss, diag(p) - p p^T for softmax cross-entropy.
 */
export function lossCurvatureProduct(kind: LossKind, z: FloatArray, u: FloatArray, count: number, classes: number, scale: number, out: FloatArray): void {
  for (let i = 0; i < count; i++) {
    const off = i * classes;
    if (kind === 'squared') {
      for (let j = 0; j < classes; j++) out[off + j] = scale * 2 * u[off + j];
      continue;
    }
    let max = -Infinity;
    for (let j = 0; j < classes; j++) max = Math.max(max, z[off + j]);
    let sumExp = 0;
    for (let j = 0; j < classes; j++) sumExp += Math.exp(z[off + j] - max);
    let pu = 0;
    for (let j = 0; j < classes; j++) pu += (Math.exp(z[off + j] - max) / sumExp) * u[off + j];
    for (let j = 0; j < classes; j++) {
      const p = Math.exp(z[off + j] - max) / sumExp;
      out[off + j] = scale * p * (u[off + j] - pu);
    }
  }
}
