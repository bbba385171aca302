import { describe, expect, it } from 'vitest';
import { createReferenceBackend } from '../../core/compute/reference/typedArrayBackend';
import type { Tensor } from '../../core/compute/backend';
import { lossCurvatureProduct } from '../../core/engine/loss';
import { conjugateGradient, type VectorSpace } from '../../core/train/optimizers/conjugateGradient';
import { GaussNewtonOperator } from '../../core/train/optimizers/gaussNewton';
import { NewtonOptimizer } from '../../core/train/optimizers/newton';
import { ParameterSpace } from '../../core/train/optimizers/parameterVectors';
import { DEFAULT_TRAINING_CONFIG } from '../../core/train/config';
import { Random } from '../../core/util/random';
import { makeProblem, relativeError, specOf } from '../engine/helpers';
import type { ChainLayer } from '../../core/graph/chain';

const arrays: VectorSpace<Float64Array> = {
  dot: (a, b) => a.reduce((s, v, i) => s + v * b[i], 0),
  axpby: (alpha, x, beta, y) => y.forEach((v, i) => (y[i] = alpha * x[i] + beta * v)),
  copy: (src, dst) => dst.set(src),
  fill: (a, v) => a.fill(v),
};

describe('conjugate gradient', () => {
  it('solves a known symmetric positive definite system', () => {
    const n = 12;
    const random = new Random(3);
    const M = Array.from({ length: n }, () => Float64Array.from({ length: n }, () => random.normal()));
    // A = M^T M + I is SPD; pick the solution, build b = A x*.
    const A = Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => M.reduce((s, row) => s + row[i] * row[j], 0) + (i === j ? 1 : 0)));
    const xStar = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
    const applyA = (p: Float64Array, out: Float64Array) => A.forEach((row, i) => (out[i] = arrays.dot(row, p)));
    const b = new Float64Array(n);
    applyA(xStar, b);
    const d = new Float64Array(n);
    const work = { r: new Float64Array(n), p: new Float64Array(n), Ap: new Float64Array(n) };
    const result = conjugateGradient(arrays, applyA, b, d, work, 1e-12, 100);
    expect(relativeError(d, xStar)).toBeLessThan(1e-9);
    expect(result.iterations).toBeLessThanOrEqual(n + 2);
    // with a loose tolerance it stops early, at the promised residual
    const loose = conjugateGradient(arrays, applyA, b, d, work, 0.1, 100);
    expect(loose.residualNorm).toBeLessThanOrEqual(0.1 * Math.sqrt(arrays.dot(b, b)));
    expect(loose.iterations).toBeLessThan(result.iterations);
  });
});

const deepNet: ChainLayer[] = [
  { kind: 'input', params: { channels: 2, height: 6, width: 6 } },
  { kind: 'conv', params: { filters: 3, size: 3, stride: 1, padding: 1, activation: 'tanh' } },
  { kind: 'pool', params: { mode: 'max', size: 2, stride: 2 } },
  { kind: 'activation', params: { fn: 'sigmoid' } },
  { kind: 'conv', params: { filters: 2, size: 2, stride: 1, padding: 0, activation: 'relu' } },
  { kind: 'pool', params: { mode: 'avg', size: 2, stride: 1 } },
  { kind: 'fc', params: { units: 3, activation: 'leaky_relu', leak: 0.1 } },
  { kind: 'output', params: { loss: 'softmax_ce', classes: 3, C: 2 } },
];

function randomDirection(space: ParameterSpace, network: ReturnType<typeof makeProblem>['network'], seed: number): Tensor[] {
  const random = new Random(seed);
  const v = space.allocate();
  network.parameters.forEach((p, i) => network.backend.write(v[i], Float64Array.from({ length: p.length }, () => random.normal())));
  return v;
}

function perturbed(network: ReturnType<typeof makeProblem>['network'], v: Tensor[], eps: number) {
  const base = network.getParameters();
  return base.map((p, i) => {
    const dir = network.backend.read(v[i], p.values.length);
    return { ...p, values: Float64Array.from(p.values, (x, j) => x + eps * dir[j]) };
  });
}

describe('Gauss-Newton products', () => {
  it('J v by the forward-mode pass equals finite differences of the network output', () => {
    const { network, x, count } = makeProblem(specOf(deepNet), createReferenceBackend(), 4, 4, 5);
    const space = new ParameterSpace(network);
    const v = randomDirection(space, network, 9);
    const base = network.getParameters();
    network.forward(x, count);
    const Jv = network.backend.read(network.forwardR(v, count));
    const eps = 1e-6;
    network.setParameters(perturbed(network, v, eps));
    const zPlus = network.scores(x, count);
    network.setParameters(base);
    network.setParameters(perturbed(network, v, -eps));
    const zMinus = network.scores(x, count);
    const numeric = Float64Array.from(zPlus, (zp, j) => (zp - zMinus[j]) / (2 * eps));
    expect(relativeError(Jv, numeric)).toBeLessThan(1e-6);
  });

  it('G_S v equals (1/|S|) J^T B J v formed from a finite-difference Jacobian', () => {
    const { network, x, labels, count } = makeProblem(specOf(deepNet), createReferenceBackend(), 3, 2, 6);
    const space = new ParameterSpace(network);
    const v = randomDirection(space, network, 4);
    const base = network.getParameters();
    const flat = base.flatMap((p) => Array.from(p.values));
    const classes = 3;
    const scoresAt = (theta: number[]) => {
      let k = 0;
      network.setParameters(base.map((p) => ({ ...p, values: Float64Array.from(p.values, () => theta[k++]) })));
      const z: number[] = [];
      for (let start = 0; start < count; start += network.capacity) {
        const n = Math.min(network.capacity, count - start);
        z.push(...network.scores(x.subarray(start * network.inputSize, (start + n) * network.inputSize), n));
      }
      return z;
    };
    const z0 = scoresAt(flat);
    const eps = 1e-6;
    const J: number[][] = flat.map((_, j) => {
      const plus = flat.slice();
      const minus = flat.slice();
      plus[j] += eps;
      minus[j] -= eps;
      const zp = scoresAt(plus);
      const zm = scoresAt(minus);
      return zp.map((val, r) => (val - zm[r]) / (2 * eps)); // column j of J
    });
    network.setParameters(base);
    const vFlat = base.flatMap((p, i) => Array.from(network.backend.read(v[i], p.values.length)));
    const Jv = new Float64Array(z0.length);
    J.forEach((col, j) => col.forEach((val, r) => (Jv[r] += val * vFlat[j])));
    const BJv = new Float64Array(z0.length);
    lossCurvatureProduct('softmax_ce', Float64Array.from(z0), Jv, count, classes, 1 / count, BJv);
    const expected = J.map((col) => col.reduce((s, val, r) => s + val * BJv[r], 0));
    const out = space.allocate();
    new GaussNewtonOperator(network, { x: Float32Array.from(x), labels, count }).apply(v, out);
    const got = base.flatMap((p, i) => Array.from(network.backend.read(out[i], p.values.length)));
    expect(relativeError(got, expected)).toBeLessThan(1e-5);
  });

  it('for a linear model G v + v/C is the Hessian product, i.e. finite differences of the gradient', () => {
    const spec = specOf([
      { kind: 'input', params: { channels: 1, height: 3, width: 3 } },
      { kind: 'fc', params: { units: 4, activation: 'linear' } },
      { kind: 'output', params: { loss: 'squared', classes: 4, C: 3 } },
    ]);
    const { network, x, labels, count } = makeProblem(spec, createReferenceBackend(), 5);
    const space = new ParameterSpace(network);
    const v = randomDirection(space, network, 2);
    const Gv = space.allocate();
    new GaussNewtonOperator(network, { x: Float32Array.from(x), labels, count }).apply(v, Gv);
    space.axpby(1 / 3, v, 1, Gv);
    const base = network.getParameters();
    const eps = 1e-5;
    network.setParameters(perturbed(network, v, eps));
    network.objectiveAndGradient(x, labels, count);
    const gPlus = network.getGradients();
    network.setParameters(base);
    network.setParameters(perturbed(network, v, -eps));
    network.objectiveAndGradient(x, labels, count);
    const gMinus = network.getGradients();
    const numeric = gPlus.flatMap((g, i) => Array.from(g.values, (val, j) => (val - gMinus[i].values[j]) / (2 * eps)));
    const got = base.flatMap((p, i) => Array.from(network.backend.read(Gv[i], p.values.length)));
    expect(relativeError(got, numeric)).toBeLessThan(1e-7);
  });
});

describe('Newton method', () => {
  it('decreases f every iteration on a small problem, with Armijo steps and a damping that adapts', () => {
    const { network, x, labels, count } = makeProblem(specOf(deepNet), createReferenceBackend(), 40, 16, 8);
    const newton = new NewtonOptimizer({ ...DEFAULT_TRAINING_CONFIG.newton, subsampleFraction: 0.5 }, network, 1);
    const batch = { x: Float32Array.from(x), labels, count };
    let f = network.evaluate(batch.x, labels, count).f;
    const lambdas: number[] = [];
    for (let t = 0; t < 6; t++) {
      const result = newton.step(network, batch, t);
      expect(result.f).toBeCloseTo(f, 10);
      const next = network.evaluate(batch.x, labels, count).f;
      expect(next).toBeLessThan(f);
      expect(newton.lastStep!.cgIterations).toBeGreaterThan(0);
      lambdas.push(newton.lastStep!.lambda);
      f = next;
    }
    expect(new Set(lambdas).size).toBeGreaterThan(1);
    const state = newton.getState();
    expect(state.lambda).toBe(lambdas[lambdas.length - 1]);
  });
});
