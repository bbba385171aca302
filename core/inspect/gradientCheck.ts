/**
 * The per-layer gradient check: the analytic gradient of f (the engine's backward pass, eq. (1)-(2)
 * of the lecture) against central finite differences of f on the same small batch, in float64,
 * for one layer's W^m and b^m.
 *
 * Two probes per tensor, both of the form (f(theta + eps u) - f(theta - eps u)) / (2 eps) = g^T u:
 *  - coordinates: u = e_j for a few entries j chosen at random (the textbook check);
 *  - directions:  u random Gaussian over the whole tensor, so no entry escapes the check.
 * The relative error of a probe is |fd - g^T u| / max(|fd| + |g^T u|, 1e-12); the layer's figure is
 * the largest over its probes.
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
    const shifted = Float64Array.from(theta);
    const picks = new Set<number>();
    const wanted = Math.min(coordinates, p.length);
    while (picks.size < wanted) picks.add(Math.floor(random.uniform() * p.length));
    for (const j of picks) {
      shifted[j] = theta[j] + epsilon;
      const plus = f(shifted);
      shifted[j] = theta[j] - epsilon;
      const minus = f(shifted);
      shifted[j] = theta[j];
      const numeric = (plus - minus) / (2 * epsilon);
      probes.push({ kind: 'coordinate', index: j, analytic: g[j], numeric, relativeError: relativeError(numeric, g[j]) });
    }
    for (let k = 0; k < directions; k++) {
      const u = new Float64Array(p.length);
      let gu = 0;
      for (let j = 0; j < p.length; j++) {
        u[j] = random.normal();
        gu += g[j] * u[j];
      }
      for (let j = 0; j < p.length; j++) shifted[j] = theta[j] + epsilon * u[j];
      const plus = f(shifted);
      for (let j = 0; j < p.length; j++) shifted[j] = theta[j] - epsilon * u[j];
      const minus = f(shifted);
      const numeric = (plus - minus) / (2 * epsilon);
      probes.push({ kind: 'direction', index: null, analytic: gu, numeric, relativeError: relativeError(numeric, gu) });
    }
    be.write(p.value, theta);
    return { name: p.name, rows: p.rows, cols: p.cols, probes, maxRelativeError: Math.max(...probes.map((q) => q.relativeError)) };
  });
  return { nodeId, batchSize: count, epsilon, f: f0, tensors, relativeError: Math.max(...tensors.map((t) => t.maxRelativeError)) };
}
