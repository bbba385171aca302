/**
 * Gradient flow through the layers over a run, from the statistics the store keeps every
 * `statsEvery` steps: ||dW^m||, ||db^m||, ||W^m||, ||b^m|| and their histograms, and the warnings
 * the graph shows at a step.
 *
 * Thresholds (stated in the UI): with r = ||dW^m|| / ||W^m|| (the size of the gradient relative to
 * the weights it updates),
 *   vanishing  r < VANISHING_RATIO  (1e-5: an SGD step of lr 0.1 would change W^m by < 1e-6 of itself)
 *   exploding  r > EXPLODING_RATIO  (100: one SGD step at lr 0.01 would move W^m by more than itself;
 *              the last layer at initialisation often shows r ~ 10, so 10 would cry wolf),
 *              or any norm not finite.
 */
import type { Histogram, LayerStat, StatTensor } from '../store/records';

export const VANISHING_RATIO = 1e-5;
export const EXPLODING_RATIO = 100;
/** A layer warns of dead ReLUs when at least this fraction of its units output 0 on the whole batch. */
export const DEAD_RELU_FRACTION = 0.5;

export interface GradientWarning {
  layerId: string;
  kind: 'vanishing' | 'exploding';
  message: string;
}

export interface LayerFlow {
  layerId: string;
  /** Norm per step of `steps` (null where the store has none). */
  norms: Record<StatTensor, (number | null)[]>;
  histograms: Record<StatTensor, (Histogram | null)[]>;
}

export interface GradientFlow {
  steps: number[];
  layers: LayerFlow[];
  /** warnings[k]: the warnings at steps[k]. */
  warnings: GradientWarning[][];
  thresholds: { vanishingRatio: number; explodingRatio: number; deadReluFraction: number };
}

export function gradientWarning(layerId: string, dWNorm: number | null, WNorm: number | null): GradientWarning | null {
  if (dWNorm === null || WNorm === null) return null;
  if (!Number.isFinite(dWNorm) || !Number.isFinite(WNorm)) return { layerId, kind: 'exploding', message: `||dW|| = ${dWNorm}, ||W|| = ${WNorm}: not finite` };
  const ratio = dWNorm / Math.max(WNorm, 1e-30);
  if (ratio < VANISHING_RATIO) return { layerId, kind: 'vanishing', message: `vanishing gradient: ||dW||/||W|| = ${ratio.toExponential(2)} < ${VANISHING_RATIO}` };
  if (ratio > EXPLODING_RATIO) return { layerId, kind: 'exploding', message: `exploding gradient: ||dW||/||W|| = ${ratio.toExponential(2)} > ${EXPLODING_RATIO}` };
  return null;
}

/** Arranges the stored statistics by step and layer (layers in `layerOrder`) and finds the warnings. */
export function gradientFlow(stats: readonly LayerStat[], layerOrder: readonly string[]): GradientFlow {
  const steps = [...new Set(stats.map((s) => s.step))].sort((a, b) => a - b);
  const stepIndex = new Map(steps.map((s, k) => [s, k]));
  const seen = new Set(stats.map((s) => s.layerId));
  const ids = [...layerOrder.filter((id) => seen.has(id)), ...[...seen].filter((id) => !layerOrder.includes(id)).sort()];
  const empty = <T>() => ({ dW: steps.map(() => null), db: steps.map(() => null), W: steps.map(() => null), b: steps.map(() => null) }) as Record<StatTensor, (T | null)[]>;
  const layers: LayerFlow[] = ids.map((layerId) => ({ layerId, norms: empty<number>(), histograms: empty<Histogram>() }));
  const byId = new Map(layers.map((l) => [l.layerId, l]));
  for (const s of stats) {
    const layer = byId.get(s.layerId)!;
    const k = stepIndex.get(s.step)!;
    layer.norms[s.tensor][k] = s.stats.norm;
    layer.histograms[s.tensor][k] = s.stats.histogram;
  }
  const warnings = steps.map((_, k) => layers.flatMap((l) => gradientWarning(l.layerId, l.norms.dW[k], l.norms.W[k]) ?? []));
  return { steps, layers, warnings, thresholds: { vanishingRatio: VANISHING_RATIO, explodingRatio: EXPLODING_RATIO, deadReluFraction: DEAD_RELU_FRACTION } };
}
