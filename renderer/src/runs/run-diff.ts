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
