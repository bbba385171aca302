import { GRAPH_FORMAT, GRAPH_FORMAT_VERSION, type GraphFile } from './format';

/** A graph file that is not structurally a graph (before any node is looked at). */
export class GraphFormatError extends Error {
  constructor(
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${where}: ${problem}`);
    this.name = 'GraphFormatError';
  }
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Checks the structure of a parsed graph file: format tag, version, node and edge records.
 * Node kinds and parameter values are checked by compileGraph, which names the node, so that
 * an editor can show those errors on the node itself.
 */
export function parseGraph(raw: unknown): GraphFile {
  if (!isObject(raw)) throw new GraphFormatError('graph', 'expected a JSON object');
  if (raw.format !== GRAPH_FORMAT)
    throw new GraphFormatError('format', `expected "${GRAPH_FORMAT}", got ${JSON.stringify(raw.format)}`);
  if (raw.version !== GRAPH_FORMAT_VERSION) {
    const newer = typeof raw.version === 'number' && raw.version > GRAPH_FORMAT_VERSION;
    throw new GraphFormatError(
      'version',
      newer
        ? `this file is version ${raw.version}, written by a newer CNN Workbench; this one reads version ${GRAPH_FORMAT_VERSION}`
        : `expected ${GRAPH_FORMAT_VERSION}, got ${JSON.stringify(raw.version)}`,
    );
  }
  if (!Array.isArray(raw.nodes)) throw new GraphFormatError('nodes', 'expected an array');
  if (!Array.isArray(raw.edges)) throw new GraphFormatError('edges', 'expected an array');
  const ids = new Set<string>();
  raw.nodes.forEach((n: unknown, i: number) => {
    const where = `nodes[${i}]`;
    if (!isObject(n)) throw new GraphFormatError(where, 'expected an object');
    if (typeof n.id !== 'string' || n.id === '') throw new GraphFormatError(`${where}.id`, 'expected a non-empty string');
    if (ids.has(n.id)) throw new GraphFormatError(`${where}.id`, `duplicate node id "${n.id}"`);
    ids.add(n.id);
    if (typeof n.kind !== 'string') throw new GraphFormatError(`${where}.kind`, 'expected a string');
    if (n.name !== undefined && typeof n.name !== 'string') throw new GraphFormatError(`${where}.name`, 'expected a string');
    if (!isObject(n.params)) throw new GraphFormatError(`${where}.params`, 'expected an object');
    if (n.position !== undefined) {
      const p = n.position;
      if (!isObject(p) || typeof p.x !== 'number' || typeof p.y !== 'number' || !Number.isFinite(p.x) || !Number.isFinite(p.y))
        throw new GraphFormatError(`${where}.position`, 'expected {"x": number, "y": number}');
    }
  });
  const edgeIds = new Set<string>();
  raw.edges.forEach((e: unknown, i: number) => {
    const where = `edges[${i}]`;
    if (!isObject(e)) throw new GraphFormatError(where, 'expected an object');
    for (const key of ['id', 'source', 'target'] as const)
      if (typeof e[key] !== 'string' || e[key] === '') throw new GraphFormatError(`${where}.${key}`, 'expected a non-empty string');
    if (edgeIds.has(e.id as string)) throw new GraphFormatError(`${where}.id`, `duplicate edge id "${String(e.id)}"`);
    edgeIds.add(e.id as string);
  });
  const nodes = (raw.nodes as Record<string, unknown>[]).map((n) => ({
    ...n,
    name: typeof n.name === 'string' && n.name !== '' ? n.name : (n.id as string),
    position: (n.position as { x: number; y: number } | undefined) ?? { x: 0, y: 0 },
  }));
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_FORMAT_VERSION,
    name: typeof raw.name === 'string' ? raw.name : 'untitled',
    nodes: nodes as unknown as GraphFile['nodes'],
    edges: (raw.edges as GraphFile['edges']).map((e) => ({ id: e.id, source: e.source, target: e.target })),
  };
}

/** Parses graph JSON text; a syntax error is reported with its place in the text. */
export function parseGraphText(text: string): GraphFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new GraphFormatError('JSON', (e as Error).message);
  }
  return parseGraph(raw);
}
