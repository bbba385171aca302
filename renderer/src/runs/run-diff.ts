import type { GraphFile } from '../../../core/api/contract';

/** A nested JSON object as path → value text ("config.sgd.lr" → "0.01"). */
export function flatten(value: unknown, prefix = ''): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { [prefix || '(value)']: JSON.stringify(value) };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    const path = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v, path));
    else out[path] = Array.isArray(v) && v.length > 12 ? `[${v.length} values]` : JSON.stringify(v);
  }
  return out;
}

export interface DiffRow {
  key: string;
  values: (string | undefined)[];
  differs: boolean;
}

/** Rows of every key in any of the objects, marking those whose values are not all equal. */
export function diffObjects(objects: Record<string, string>[]): DiffRow[] {
  const keys = [...new Set(objects.flatMap((o) => Object.keys(o)))].sort();
  return keys.map((key) => {
    const values = objects.map((o) => o[key]);
    return { key, values, differs: values.some((v) => v !== values[0]) };
  });
}

/** A graph as comparable rows: one per node (kind and parameters) and the edge list; positions left out. */
export function graphRows(graph: GraphFile): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of graph.nodes) out[`node ${n.id}`] = `${n.kind} ${JSON.stringify(n.params)}`;
  out.edges = graph.edges.map((e) => `${e.source}→${e.target}`).sort().join(', ');
  return out;
}

/** The optimisers whose settings live under config.<name>.* (a run uses only its own). */
const OPTIMIZER_SECTIONS = ['sgd', 'adam', 'newton'];

/**
 * The settings rows worth showing for these runs: those that differ, less those no run uses
 * (config.sgd.lr when every run is Adam). A value a run does not use shows as "not used".
 */
export function usedDifferences(rows: DiffRow[], optimizers: (string | null)[]): DiffRow[] {
  const sectionOf = (key: string) => OPTIMIZER_SECTIONS.find((o) => key.startsWith(`config.${o}.`)) ?? null;
  return rows.flatMap((row) => {
    const section = sectionOf(row.key);
    if (section === null) return row.differs ? [row] : [];
    const values = row.values.map((v, i) => (optimizers[i] === section ? v : undefined));
    if (values.every((v) => v === undefined)) return [];
    const differs = values.some((v) => v !== values[0]);
    return differs ? [{ key: row.key, values: values.map((v) => v ?? 'not used'), differs }] : [];
  });
}

/** Whether the positive values span more than `decades` powers of ten (a log scale then reads better). */
export function spansDecades(values: (number | null)[], decades = 2): boolean {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values)
    if (v !== null && v > 0 && Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  return hi > lo && Math.log10(hi / lo) > decades;
}

/** For each series, the index of the first earlier one it equals point for point (null: none); such curves coincide on a chart. */
export function identicalTo(series: { x: number[]; y: (number | null)[] }[]): (number | null)[] {
  const same = (a: (typeof series)[number], b: (typeof series)[number]) => a.x.length > 0 && a.x.length === b.x.length && a.x.every((x, i) => x === b.x[i] && a.y[i] === b.y[i]);
  return series.map((s, i) => {
    for (let j = 0; j < i; j++) if (same(s, series[j])) return j;
    return null;
  });
}
