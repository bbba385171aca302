/**
 * The per-layer gradient check: the analytic gradient of f (the engine's backward pass, eq. (1)-(2)
 * of the lecture) against central finite differences of f on the same small batch, in float64,
 * for one layer's W^m and b^m.
 *
 * Two probes per tensor, both of the form (f(theta + eps u) - f(theta - eps u)) / (2 eps) = g^T u:
 *  - coordinates: u = e_j for a few entries j chosen at random (the textbook check);
 *  - directions:  u random Gaussian over the whole tensor, so no entry escapes the check.
 * The relative error of a probe is |fd - g^T u| / max(|fd| + |g^T u|, 1e-12); the layer's figure is
 * the largest over its probes. Directions are unit vectors, so every probe moves theta by epsilon.
 *
 * ReLU and max-pooling make f piecewise smooth: a step of epsilon can cross a kink (a unit's
 * pre-activation through 0, a pooling window's maximum changing hands), and in a deep network with
 * 10^5 units some probe often does. Such a difference is wrong, not the gradient. A probe above
 * RETRY_ABOVE is therefore repeated with epsilon / 10 and epsilon / 100, keeping the best: a kink
 * is left behind by a smaller step, a wrong gradient stays wrong at every step.
 */
import type { FloatArray } from '../compute/backend';
import type { Network } from '../engine/network';
import { Random } from '../util/random';
import { layerIndex } from './inspectionNetwork';

export interface GradientCheckOptions {
  /** Step of the central difference (float64: 1e-5 balances truncation and rounding). */
  epsilon?: number;
  /** Entries e_j checked per tensor. */
  coordinates?: number;
  /** Random directions checked per tensor. */
  directions?: number;
  seed?: number;
}

export interface GradientProbe {
  kind: 'coordinate' | 'direction';
  /** The step that gave this probe's figure (smaller than the check's when a retry did better). */
  epsilon: number;
  /** The entry for a coordinate probe (column-major index into the tensor). */
  index: number | null;
  analytic: number;
  numeric: number;
  relativeError: number;
}

export interface TensorCheck {
  name: 'W' | 'b';
  rows: number;
  cols: number;
  probes: GradientProbe[];
  maxRelativeError: number;
}

export interface LayerGradientCheck {
  nodeId: string;
  batchSize: number;
  epsilon: number;
  f: number;
  tensors: TensorCheck[];
  /** Largest relative error over every probe of the layer. */
  relativeError: number;
}

export const GRADIENT_CHECK_DEFAULTS = { epsilon: 1e-5, coordinates: 6, directions: 3, seed: 7 } as const;
/** A probe worse than this is retried with smaller steps (see above). */
export const RETRY_ABOVE = 1e-7;

export function relativeError(numeric: number, analytic: number): number {
  return Math.abs(numeric - analytic) / Math.max(Math.abs(numeric) + Math.abs(analytic), 1e-12);
}

/**
 * Checks layer `nodeId` of `network` (built on the float64 reference backend) on `count`
 * instances of x (vec layout, preprocessed) with their labels. The weights are left as found.
 * `analyticOverride` replaces the engine's gradient (tests use it to show a wrong one is caught).
 */
export function checkLayerGradient(
  network: Network,
  nodeId: string,
  x: FloatArray,
  labels: ArrayLike<number>,
  count: number,
  options: GradientCheckOptions = {},
  analyticOverride?: (name: 'W' | 'b', gradient: Float64Array) => ArrayLike<number>,
): LayerGradientCheck {
  const { epsilon, coordinates, directions, seed } = { ...GRADIENT_CHECK_DEFAULTS, ...options };
  if (network.backend.dtype !== 'float64') throw new Error(`gradient check: needs a float64 backend, got ${network.backend.name} (${network.backend.dtype})`);
  const m = layerIndex(network, nodeId);
  const params = network.layers[m].parameters;
  if (params.length === 0) throw new Error(`gradient check: node "${nodeId}" (${network.layers[m].spec.kind}) has no parameters to check`);
  const be = network.backend;
  const f0 = network.objectiveAndGradient(x, labels, count).f;
  const random = new Random(seed);
  const tensors: TensorCheck[] = params.map((p) => {
    const engineGradient = Float64Array.from(be.read(p.grad, p.length));
    const g = analyticOverride ? analyticOverride(p.name, engineGradient) : engineGradient;
    const theta = Float64Array.from(be.read(p.value, p.length));
    const f = (values: Float64Array) => {
      be.write(p.value, values);
      return network.evaluate(x, labels, count).f;
    };
    const probes: GradientProbe[] = [];
    const shifted = new Float64Array(p.length);
    /** The central difference along u (entries not in `support` are 0) with the smallest error over the retries. */
    const probe = (kind: GradientProbe['kind'], index: number | null, u: Float64Array, support: readonly number[] | null, analytic: number) => {
      let best: GradientProbe | null = null;
      for (const step of [epsilon, epsilon / 10, epsilon / 100]) {
        const at = (sign: number) => {
          shifted.set(theta);
          if (support) for (const j of support) shifted[j] += sign * step * u[j];
          else for (let j = 0; j < p.length; j++) shifted[j] += sign * step * u[j];
          return f(shifted);
        };
        const numeric = (at(1) - at(-1)) / (2 * step);
        const candidate = { kind, index, epsilon: step, analytic, numeric, relativeError: relativeError(numeric, analytic) };
        if (!best || candidate.relativeError < best.relativeError) best = candidate;
        if (best.relativeError <= RETRY_ABOVE) break;
      }
      probes.push(best!);
    };
    const picks = new Set<number>();
    const wanted = Math.min(coordinates, p.length);
    while (picks.size < wanted) picks.add(Math.floor(random.uniform() * p.length));
    const unit = new Float64Array(p.length);
    for (const j of picks) {
      unit[j] = 1;
      probe('coordinate', j, unit, [j], g[j]);
      unit[j] = 0;
    }
    for (let k = 0; k < directions; k++) {
      const u = new Float64Array(p.length);
      let norm = 0;
      for (let j = 0; j < p.length; j++) {
        u[j] = random.normal();
        norm += u[j] * u[j];
      }
      norm = Math.sqrt(norm);
      let gu = 0;
      for (let j = 0; j < p.length; j++) {
        u[j] /= norm;
        gu += g[j] * u[j];
      }
      probe('direction', null, u, null, gu);
    }
    be.write(p.value, theta);
    return { name: p.name, rows: p.rows, cols: p.cols, probes, maxRelativeError: Math.max(...probes.map((q) => q.relativeError)) };
  });
  return { nodeId, batchSize: count, epsilon, f: f0, tensors, relativeError: Math.max(...tensors.map((t) => t.maxRelativeError)) };
}
