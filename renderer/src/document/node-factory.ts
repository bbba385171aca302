import { DEFAULT_PARAMS, type GraphFile, type GraphNode, type NodeKind } from '../../../core/graph/format';

/** Short names new nodes are called by: conv1, pool2, fc1, ... */
const NAME_STEM: Record<NodeKind, string> = {
  input: 'input',
  conv: 'conv',
  pool: 'pool',
  activation: 'act',
  fc: 'fc',
  output: 'output',
};

/** The first stem+n (n = 1, 2, ...) not used as an id or a name; input and output get their bare stem first. */
export function freshName(doc: GraphFile, kind: NodeKind, taken: Set<string> = new Set()): string {
  const used = new Set([...taken, ...doc.nodes.map((n) => n.id), ...doc.nodes.map((n) => n.name)]);
  const stem = NAME_STEM[kind];
  if ((kind === 'input' || kind === 'output') && !used.has(stem)) return stem;
  for (let i = 1; ; i++) if (!used.has(`${stem}${i}`)) return `${stem}${i}`;
}

export function createNode(doc: GraphFile, kind: NodeKind, position: { x: number; y: number }): GraphNode {
  const name = freshName(doc, kind);
  return { id: name, name, kind, params: structuredClone(DEFAULT_PARAMS[kind]), position } as GraphNode;
}

export function edgeId(source: string, target: string, doc: GraphFile): string {
  const base = `e-${source}-${target}`;
  const ids = new Set(doc.edges.map((e) => e.id));
  if (!ids.has(base)) return base;
  for (let i = 2; ; i++) if (!ids.has(`${base}-${i}`)) return `${base}-${i}`;
}

export function emptyGraph(name = 'untitled'): GraphFile {
  return { format: 'cnnwb-graph', version: 1, name, nodes: [], edges: [] };
}
