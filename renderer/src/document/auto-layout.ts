import type { GraphFile, GraphNode } from '../../../core/api/contract';

export const LAYOUT_ROW_HEIGHT = 150;
export const LAYOUT_COLUMN_WIDTH = 260;

/**
 * A vertical chain layout: each chain (walked from a node with no input along its edges) becomes
 * a column, top to bottom; columns side by side, the longest first. Nodes keep their identity
 * when they do not move, so the undo history records only what changed.
 */
export function autoLayout(doc: GraphFile): GraphFile {
  const next = new Map<string, string>();
  const hasInput = new Set<string>();
  for (const e of doc.edges) {
    if (!next.has(e.source)) next.set(e.source, e.target);
    hasInput.add(e.target);
  }
  const placed = new Set<string>();
  const columns: string[][] = [];
  const starts = [...doc.nodes.filter((n) => !hasInput.has(n.id)), ...doc.nodes];
  for (const start of starts) {
    if (placed.has(start.id)) continue;
    const column: string[] = [];
    for (let id: string | undefined = start.id; id !== undefined && !placed.has(id); id = next.get(id)) {
      placed.add(id);
      column.push(id);
    }
    columns.push(column);
  }
  columns.sort((a, b) => b.length - a.length);
  const target = new Map<string, { x: number; y: number }>();
  columns.forEach((column, c) => column.forEach((id, r) => target.set(id, { x: c * LAYOUT_COLUMN_WIDTH, y: r * LAYOUT_ROW_HEIGHT })));
  const nodes = doc.nodes.map((n): GraphNode => {
    const p = target.get(n.id)!;
    return p.x === n.position.x && p.y === n.position.y ? n : { ...n, position: p };
  });
  return { ...doc, nodes };
}
