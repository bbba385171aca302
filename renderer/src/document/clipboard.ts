import type { GraphEdge, GraphFile, GraphNode } from '../../../core/api/contract';
import { edgeId, freshName } from './node-factory';

/** What copy takes: the selected nodes and the edges between them. */
export interface ClipboardContent {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export function copySelection(doc: GraphFile, nodeIds: ReadonlySet<string>): ClipboardContent | null {
  const nodes = doc.nodes.filter((n) => nodeIds.has(n.id));
  if (nodes.length === 0) return null;
  const edges = doc.edges.filter((e) => nodeIds.has(e.source) && nodeIds.has(e.target));
  return structuredClone({ nodes, edges });
}

/** Adds copies of the clipboard's nodes (new ids and names, shifted by offset) and their edges; returns the new ids. */
export function pasteInto(doc: GraphFile, content: ClipboardContent, offset: { x: number; y: number }): { doc: GraphFile; pastedIds: string[] } {
  const rename = new Map<string, string>();
  const taken = new Set<string>();
  const nodes: GraphNode[] = content.nodes.map((n) => {
    const id = freshName(doc, n.kind, taken);
    taken.add(id);
    rename.set(n.id, id);
    return { ...structuredClone(n), id, name: id, position: { x: n.position.x + offset.x, y: n.position.y + offset.y } };
  });
  let next: GraphFile = { ...doc, nodes: [...doc.nodes, ...nodes] };
  for (const e of content.edges) {
    const source = rename.get(e.source)!;
    const target = rename.get(e.target)!;
    next = { ...next, edges: [...next.edges, { id: edgeId(source, target, next), source, target }] };
  }
  return { doc: next, pastedIds: nodes.map((n) => n.id) };
}
