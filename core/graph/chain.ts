import { DEFAULT_PARAMS, GRAPH_FORMAT, GRAPH_FORMAT_VERSION, type GraphFile, type GraphNode, type NodeKind } from './format';

export interface ChainLayer<K extends NodeKind = NodeKind> {
  kind: K;
  params?: Partial<Extract<GraphNode, { kind: K }>['params']>;
  id?: string;
  name?: string;
}

/** Builds a chain graph input -> ... -> output from a list of layers, filling default parameters. */
export function buildChainGraph(name: string, layers: ChainLayer[]): GraphFile {
  const counts = new Map<string, number>();
  const nodes = layers.map((l, i) => {
    const count = (counts.get(l.kind) ?? 0) + 1;
    counts.set(l.kind, count);
    const id = l.id ?? `${l.kind}${count}`;
    return { id, name: l.name ?? id, kind: l.kind, params: { ...DEFAULT_PARAMS[l.kind], ...l.params }, position: { x: 250, y: i * 110 } } as GraphNode;
  });
  const edges = nodes.slice(1).map((n, i) => ({ id: `e-${nodes[i].id}-${n.id}`, source: nodes[i].id, target: n.id }));
  return { format: GRAPH_FORMAT, version: GRAPH_FORMAT_VERSION, name, nodes, edges };
}
