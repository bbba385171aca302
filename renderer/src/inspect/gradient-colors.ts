import type { GraphEdge } from '../../../core/api/contract';

/**
 * The gradient norm an edge shows: ||dW|| of the layer the edge leaves, or of the nearest layer
 * with parameters above it (towards the input), or, for the edges before the first such layer,
 * of the layer it enters. (The gradient flows backwards along the edges: this is what arrived there.)
 */
export function edgeNorm(edges: readonly GraphEdge[], norms: Record<string, number>, source: string, target: string): number | null {
  const parentOf = new Map(edges.map((e) => [e.target, e.source]));
  const seen = new Set<string>();
  for (let id: string | undefined = source; id !== undefined && !seen.has(id); id = parentOf.get(id)) {
    seen.add(id);
    if (norms[id] !== undefined) return norms[id];
  }
  return norms[target] ?? null;
}

/** Blue (smallest norm at this step) to red (largest), on a log scale. */
export function normColor(norm: number, all: number[]): string {
  const logs = all.filter((n) => n > 0).map(Math.log10);
  if (!(norm > 0) || logs.length === 0) return '#9e9e9e';
  const lo = Math.min(...logs);
  const hi = Math.max(...logs);
  const t = hi > lo ? (Math.log10(norm) - lo) / (hi - lo) : 0.5;
  return `hsl(${Math.round(220 * (1 - t))}, 80%, 45%)`;
}
