/**
 * Conjugate gradient for A d = b with A symmetric positive definite, given only products A p.
 * Stops when ||r|| <= tolerance * ||b|| or after maxIterations.
 */
export interface VectorSpace<V> {
  dot(a: V, b: V): number;
  /** y = alpha x + beta y */
  axpby(alpha: number, x: V, beta: number, y: V): void;
  copy(src: V, dst: V): void;
  fill(a: V, value: number): void;
}

export interface ConjugateGradientResult {
  iterations: number;
  residualNorm: number;
}

export function conjugateGradient<V>(
  space: VectorSpace<V>,
  applyA: (p: V, out: V) => void,
  b: V,
  d: V,
  work: { r: V; p: V; Ap: V },
  tolerance: number,
  maxIterations: number,
): ConjugateGradientResult {
  const { r, p, Ap } = work;
  space.fill(d, 0);
  space.copy(b, r);
  space.copy(b, p);
  let rr = space.dot(r, r);
  const stop = tolerance * Math.sqrt(rr);
  let iterations = 0;
  while (iterations < maxIterations && Math.sqrt(rr) > stop) {
    applyA(p, Ap);
    const pAp = space.dot(p, Ap);
    if (!(pAp > 0)) break;
    const alpha = rr / pAp;
    space.axpby(alpha, p, 1, d);
    space.axpby(-alpha, Ap, 1, r);
    const rrNext = space.dot(r, r);
    space.axpby(1, r, rrNext / rr, p);
    rr = rrNext;
    iterations++;
  }
  return { iterations, residualNorm: Math.sqrt(rr) };
}
