/**
 * "Check this step": the gradient a backward step shows against central differences of xi in
 * float64, (xi(q + eps u) - xi(q - eps u)) / (2 eps) = g^T u, where q is the quantity the step
 * differentiates by — a node's input (the rest of the chain runs forward from it), S^m (sigma then
 * the rest), or W^m / b^m (the whole forward pass). Small gradients are probed entry by entry;
 * larger ones at seeded entries plus random unit directions. A probe above RETRY_ABOVE is retried
 * with smaller steps, as in the per-layer check: a ReLU or max-pool kink is left behind by a
 * smaller step, a wrong gradient is not. Where no step helps, the one-sided differences tell a
 * point where xi has no derivative (a max-pool window with two equal largest entries, often 0s
 * after a ReLU) from a wrong gradient: there the left and right slopes differ, and the shown value
 * must lie between them (it is the slope on one side — the engine's argmax picks one entry).
 * A random direction through such points mixes the sides of many of them, so its figure says
 * nothing: it is shown, marked, and left out of the step's largest error.
 *
 * The relative error |numeric - analytic| / (|numeric| + |analytic|) of an entry far smaller than
 * xi is ruled by rounding: the quotient carries about 2^-52 |xi| / eps of it. The denominator is
 * therefore at least ROUNDING_SCALE times that, so a difference at the rounding level reads as 1e-6.
 */
import type { Tensor } from '../../compute/backend';
import type { AffineLayer } from '../../engine/affineLayer';
import { lossAndGradient } from '../../engine/loss';
import type { Network } from '../../engine/network';
import { Random } from '../../util/random';
import { RETRY_ABOVE } from '../gradientCheck';
import { traceForward } from '../inspectionNetwork';
import type { GradientTarget, LectureProbe, LectureStepCheck, LectureWalk } from '../../api/lecture';

/** Gradients with at most this many entries are probed at every entry. */
export const EXHAUSTIVE_UP_TO = 64;
export const SAMPLED_ENTRIES = 24;
export const RANDOM_DIRECTIONS = 3;
export const CHECK_EPSILON = 1e-5;
export const ROUNDING_SCALE = 1e6;
/** One-sided slopes further apart than this (relative) mark a point where xi has no derivative. */
export const KINK_GAP = 1e-3;

/** xi as a function of the quantity `target` names, every other input held at the instance's values. */
function lossAlong(network: Network, x: Float64Array | Float32Array, label: number, target: GradientTarget): { at: (q: Float64Array) => number; q0: Float64Array } {
  const be = network.backend;
  const layers = network.layers;
  const loss = (scores: ArrayLike<number>) => lossAndGradient(network.spec.loss, scores as Float64Array, [label], 1, network.classes, 1, null).lossSum;
  const runFrom = (k: number, input: Tensor) => {
    let Z = input;
    for (let j = k; j < layers.length; j++) Z = layers[j].forward(Z, 1);
    return loss(be.read(Z, network.classes));
  };
  const trace = traceForward(network, x, 1);
  if (target.wrt === 'input') {
    const k = target.node;
    const q0 = trace.outputs[k];
    if (k === layers.length) return { q0, at: (q) => loss(q) };
    const scratch = be.allocate(q0.length);
    return {
      q0,
      at: (q) => {
        be.write(scratch, q);
        return runFrom(k, scratch);
      },
    };
  }
  const layer = layers[target.node] as AffineLayer;
  if (target.wrt === 'S') {
    const spec = layer.spec;
    const n = layer.outSize;
    const P = n / layer.outChannels;
    const S = be.allocate(n);
    be.gemm(false, false, layer.outChannels, P, layer.W.cols, layer.W.value, layer.phiPadZ!, S, false);
    be.addBias(S, layer.b.value, layer.outChannels, P);
    const q0 = Float64Array.from(be.read(S, n));
    const A = be.allocate(n);
    return {
      q0,
      at: (q) => {
        be.write(S, q);
        be.activate(spec.activation, spec.leak, S, A, n);
        return runFrom(target.node + 1, A);
      },
    };
  }
  const p = target.wrt === 'W' ? layer.W : layer.b;
  const q0 = Float64Array.from(be.read(p.value, p.length));
  const input = trace.tensors[0];
  return {
    q0,
    at: (q) => {
      be.write(p.value, q);
      const xi = runFrom(0, input);
      be.write(p.value, q0);
      return xi;
    },
  };
}

/** Checks step `stepId` of `walk` (made by lectureWalk on the same network, instance and label). */
export function checkLectureStep(network: Network, x: Float64Array | Float32Array, label: number, walk: LectureWalk, stepId: string, seed = 7): LectureStepCheck {
  const step = walk.steps.find((s) => s.id === stepId);
  if (!step) throw new Error(`lecture: no step "${stepId}" in this walk`);
  if (!step.gradient || !step.result) throw new Error(`lecture: step "${step.title}" shows no gradient to check`);
  const shown = step.matrices.find((m) => m.key === step.result)!;
  const g = walk.values[step.result];
  const { at, q0 } = lossAlong(network, x, label, step.gradient);
  if (q0.length !== g.length) throw new Error(`lecture: step "${step.title}" shows ${g.length} entries, the quantity has ${q0.length}`);
  const shifted = new Float64Array(q0.length);
  const probes: LectureProbe[] = [];
  const xi0 = at(q0);
  const error = (numeric: number, analytic: number, epsilon: number) =>
    Math.abs(numeric - analytic) / Math.max(Math.abs(numeric) + Math.abs(analytic), (ROUNDING_SCALE * 2 ** -52 * Math.max(1, Math.abs(xi0))) / epsilon);
  const probe = (index: number | null, u: Float64Array, analytic: number) => {
    let best: LectureProbe | null = null;
    let sides = { plus: 0, minus: 0, epsilon: 0 };
    for (const epsilon of [CHECK_EPSILON, CHECK_EPSILON / 10, CHECK_EPSILON / 100]) {
      const side = (sign: number) => {
        for (let j = 0; j < q0.length; j++) shifted[j] = q0[j] + sign * epsilon * u[j];
        return at(shifted);
      };
      sides = { plus: side(1), minus: side(-1), epsilon };
      const numeric = (sides.plus - sides.minus) / (2 * epsilon);
      const candidate: LectureProbe = { index, epsilon, analytic, numeric, relativeError: error(numeric, analytic, epsilon) };
      if (!best || candidate.relativeError < best.relativeError) best = candidate;
      if (best.relativeError <= RETRY_ABOVE) break;
    }
    if (best!.relativeError > RETRY_ABOVE) {
      const right = (sides.plus - xi0) / sides.epsilon;
      const left = (xi0 - sides.minus) / sides.epsilon;
      if (Math.abs(right - left) > KINK_GAP * (Math.abs(right) + Math.abs(left))) {
        const [lo, hi] = left < right ? [left, right] : [right, left];
        const outside = analytic < lo ? lo - analytic : analytic > hi ? analytic - hi : 0;
        best = { index, epsilon: sides.epsilon, analytic, numeric: (left + right) / 2, relativeError: outside / Math.max(Math.abs(left) + Math.abs(right), 1e-300), kink: { left, right } };
      }
    }
    probes.push(best!);
  };
  const exhaustive = g.length <= EXHAUSTIVE_UP_TO;
  const random = new Random(seed);
  const entries = new Set<number>();
  if (exhaustive) for (let j = 0; j < g.length; j++) entries.add(j);
  else while (entries.size < SAMPLED_ENTRIES) entries.add(Math.floor(random.uniform() * g.length));
  const unit = new Float64Array(g.length);
  for (const j of entries) {
    unit[j] = 1;
    probe(j, unit, g[j]);
    unit[j] = 0;
  }
  if (!exhaustive)
    for (let t = 0; t < RANDOM_DIRECTIONS; t++) {
      const u = Float64Array.from({ length: g.length }, () => random.normal());
      let norm = 0;
      for (const v of u) norm += v * v;
      norm = Math.sqrt(norm);
      let gu = 0;
      for (let j = 0; j < g.length; j++) gu += g[j] * (u[j] /= norm);
      probe(null, u, gu);
    }
  const counted = probes.filter((p) => !(p.kink && p.index === null));
  return { stepId, tex: shown.tex, probes, maxRelativeError: Math.max(0, ...counted.map((p) => p.relativeError)), exhaustive };
}
