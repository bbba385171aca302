import type { GraphFile, GraphNode } from '../../../core/api/contract';

/** Which way a chain runs: down the canvas (a tall canvas) or across it (a wide one). */
export type LayoutDirection = 'down' | 'right';
export type NodeSizes = Record<string, { width: number; height: number }>;

/** A layer node before React Flow has measured it (styles.css .layer-node is 240 px wide). */
export const NODE_SIZE_GUESS = { width: 240, height: 80 };
/**
 * Free space between consecutive nodes of a chain, room for the edge's shape label (and the
 * ‖dW‖ label) with a margin to both handles: a label is about 18 px tall and up to 70 px wide.
 */
export const LAYOUT_GAP: Record<LayoutDirection, number> = { down: 70, right: 110 };
/** Space between two chains side by side. */
export const CHAIN_GAP = 20;
/** The step from one node to the next down a chain of unmeasured nodes. */
export const LAYOUT_ROW_HEIGHT = NODE_SIZE_GUESS.height + LAYOUT_GAP.down;
export const LAYOUT_COLUMN_WIDTH = NODE_SIZE_GUESS.width + CHAIN_GAP;

/** The direction a document is laid out in, read from its edges: mostly rightwards or mostly downwards. */
export function layoutDirectionOf(doc: GraphFile): LayoutDirection {
  const at = new Map(doc.nodes.map((n) => [n.id, n.position]));
  let across = 0;
  let down = 0;
  for (const e of doc.edges) {
    const s = at.get(e.source);
    const t = at.get(e.target);
    if (!s || !t) continue;
    across += t.x - s.x;
    down += t.y - s.y;
  }
  return across > Math.abs(down) ? 'right' : 'down';
}

/** Chains walked from each node with no input along its first outgoing edge; the longest first. */
function chainsOf(doc: GraphFile): string[][] {
  const next = new Map<string, string>();
  const hasInput = new Set<string>();
  for (const e of doc.edges) {
    if (!next.has(e.source)) next.set(e.source, e.target);
    hasInput.add(e.target);
  }
  const placed = new Set<string>();
  const chains: string[][] = [];
  for (const start of [...doc.nodes.filter((n) => !hasInput.has(n.id)), ...doc.nodes]) {
    if (placed.has(start.id)) continue;
    const chain: string[] = [];
    for (let id: string | undefined = start.id; id !== undefined && !placed.has(id); id = next.get(id)) {
      placed.add(id);
      chain.push(id);
    }
    chains.push(chain);
  }
  return chains.sort((a, b) => b.length - a.length);
}

/**
 * A chain layout: each chain runs down (one column per chain) or right (one row per chain),
 * consecutive nodes LAYOUT_GAP apart edge to edge, using the measured node sizes where known so
 * a node whose text wraps still leaves its edge label clear of the handles. Nodes keep their
 * identity when they do not move, so the undo history records only what changed.
 */
export function autoLayout(doc: GraphFile, direction: LayoutDirection = 'down', sizes: NodeSizes = {}): GraphFile {
  const size = (id: string) => sizes[id] ?? NODE_SIZE_GUESS;
  const target = new Map<string, { x: number; y: number }>();
  let lane = 0;
  for (const chain of chainsOf(doc)) {
    const breadth = Math.max(...chain.map((id) => (direction === 'down' ? size(id).width : size(id).height)));
    let along = 0;
    for (const id of chain) {
      const { width, height } = size(id);
      // Handles line up, so a chain's edges run straight: down the canvas they sit at the middle
      // of a node's top and bottom (centre the node in its column); across it, level with the
      // node's title (align the tops).
      target.set(id, direction === 'down' ? { x: lane + Math.round((breadth - width) / 2), y: along } : { x: along, y: lane });
      along += (direction === 'down' ? height : width) + LAYOUT_GAP[direction];
    }
    lane += breadth + CHAIN_GAP;
  }
  const nodes = doc.nodes.map((n): GraphNode => {
    const p = target.get(n.id)!;
    return p.x === n.position.x && p.y === n.position.y ? n : { ...n, position: p };
  });
  return { ...doc, nodes };
}
