import {
  ACTIVATION_KINDS,
  DEFAULT_LEAK,
  NODE_KINDS,
  nodeLabel,
  type ActivationKind,
  type GraphFile,
  type GraphNode,
  type LossKind,
  type PoolMode,
} from './format';
import { estimateMemory, memoryProblem, type MemoryEstimate, type MemoryOptions } from './memory';
import { formatShape, isVectorShape, shapeSize, slidingOutputSize, type Shape } from './shape';

/** One problem in a graph. nodeId (or edgeId) says where, so an editor can show it there. */
export interface GraphError {
  nodeId: string | null;
  edgeId?: string;
  message: string;
}

/** The compiled, validated form of one node on the chain: its parameters resolved and its shapes known. */
export type LayerSpec =
  | { kind: 'conv'; nodeId: string; name: string; inShape: Shape; outShape: Shape; filters: number; size: number; stride: number; padding: number; activation: ActivationKind; leak: number }
  | { kind: 'pool'; nodeId: string; name: string; inShape: Shape; outShape: Shape; mode: PoolMode; size: number; stride: number }
  | { kind: 'activation'; nodeId: string; name: string; inShape: Shape; outShape: Shape; activation: ActivationKind; leak: number }
  | { kind: 'fc'; nodeId: string; name: string; inShape: Shape; outShape: Shape; units: number; activation: ActivationKind; leak: number };

export interface NodeSummary {
  inShape: Shape | null;
  outShape: Shape | null;
  paramCount: number;
  macs: number;
}

export interface NetworkSpec {
  input: Shape;
  /** The layers between input and output, in order. */
  layers: LayerSpec[];
  loss: LossKind;
  classes: number;
  C: number | null;
}

export interface CompileResult {
  ok: boolean;
  errors: GraphError[];
  /** What could be inferred for each node, even when the graph as a whole has errors. */
  nodes: Record<string, NodeSummary>;
  /** The tensor shape carried by each edge (its source's output), where it could be inferred. */
  edgeShapes: Record<string, Shape>;
  totals: { paramCount: number; macs: number };
  /** The memory training needs (core/graph/memory.ts), present when every shape is known. */
  memory?: MemoryEstimate;
  /** Present when ok. */
  network?: NetworkSpec;
}

export interface CompileOptions extends MemoryOptions {
  /** Refuse the graph when training would need more bytes than this (the callers pass a share of the machine's memory). */
  memoryLimit?: number;
  /** How the limit is named in the message, e.g. "the memory limit (--memory-limit)". */
  memoryLimitName?: string;
}

function label(n: GraphNode): string {
  return nodeLabel(n.kind, n.name);
}

/** Collects the errors of one node's parameters. */
class ParamReader {
  readonly errors: string[] = [];
  constructor(private readonly params: Record<string, unknown>) {}

  int(key: string, min: number, what: string): number {
    const v = this.params[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      this.errors.push(`${what} must be ${min === 0 ? 'a whole number >= 0' : `a whole number >= ${min}`} (got ${JSON.stringify(v)})`);
      return NaN;
    }
    return v;
  }

  activation(key: string): ActivationKind {
    const v = this.params[key] ?? 'linear';
    if (!ACTIVATION_KINDS.includes(v as ActivationKind)) {
      this.errors.push(`unknown activation ${JSON.stringify(v)} (expected one of ${ACTIVATION_KINDS.join(', ')})`);
      return 'linear';
    }
    return v as ActivationKind;
  }

  leak(): number {
    const v = this.params.leak ?? DEFAULT_LEAK;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v >= 1) {
      this.errors.push(`leak must be a number in [0, 1) (got ${JSON.stringify(v)})`);
      return DEFAULT_LEAK;
    }
    return v;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], what: string): T {
    const v = this.params[key];
    if (!allowed.includes(v as T)) {
      this.errors.push(`${what} must be one of ${allowed.join(', ')} (got ${JSON.stringify(v)})`);
      return allowed[0];
    }
    return v as T;
  }

  regularizer(): number | null {
    const v = this.params.C;
    if (v === null || v === undefined) return null;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      this.errors.push(`C must be a positive number, or null for no regulariser (got ${JSON.stringify(v)})`);
      return null;
    }
    return v;
  }
}

/** Orders the nodes into the single chain input -> ... -> output, reporting every structural problem. */
function orderChain(graph: GraphFile, errors: GraphError[]): GraphNode[] | null {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const incoming = new Map<string, string[]>();
  const outgoing = new Map<string, string[]>();
  let structural = false;
  for (const e of graph.edges) {
    const s = byId.get(e.source);
    const t = byId.get(e.target);
    if (!s || !t) {
      errors.push({ nodeId: s ? s.id : t ? t.id : null, edgeId: e.id, message: `edge "${e.id}" connects to a node that does not exist ("${!s ? e.source : e.target}")` });
      structural = true;
      continue;
    }
    if (e.source === e.target) {
      errors.push({ nodeId: s.id, edgeId: e.id, message: `${label(s)} is connected to itself: a cycle` });
      structural = true;
      continue;
    }
    (incoming.get(t.id) ?? incoming.set(t.id, []).get(t.id)!).push(s.id);
    (outgoing.get(s.id) ?? outgoing.set(s.id, []).get(s.id)!).push(t.id);
  }

  const inputs = graph.nodes.filter((n) => n.kind === 'input');
  const outputs = graph.nodes.filter((n) => n.kind === 'output');
  if (inputs.length === 0) errors.push({ nodeId: null, message: 'the graph has no input node' });
  if (inputs.length > 1)
    for (const n of inputs.slice(1))
      errors.push({ nodeId: n.id, message: `${label(n)}: the graph has ${inputs.length} input nodes (${inputs.map((x) => `"${x.name}"`).join(', ')}); it takes exactly one` });
  if (outputs.length === 0) errors.push({ nodeId: null, message: 'the graph has no output node' });
  if (outputs.length > 1)
    for (const n of outputs.slice(1))
      errors.push({ nodeId: n.id, message: `${label(n)}: the graph has ${outputs.length} output nodes (${outputs.map((x) => `"${x.name}"`).join(', ')}); it takes exactly one` });

  const nameOf = (id: string) => `"${byId.get(id)!.name}"`;
  const isolated = new Set<string>();
  for (const n of graph.nodes) {
    const ins = incoming.get(n.id) ?? [];
    const outs = outgoing.get(n.id) ?? [];
    if (ins.length === 0 && outs.length === 0 && graph.nodes.length > 1) {
      errors.push({ nodeId: n.id, message: `${label(n)} is not connected to anything` });
      isolated.add(n.id);
      structural = true;
      continue;
    }
    if (n.kind === 'input' && ins.length > 0) {
      errors.push({ nodeId: n.id, message: `${label(n)} has an incoming connection from ${ins.map(nameOf).join(', ')}; an input takes none` });
      structural = true;
    }
    if (n.kind !== 'input' && ins.length === 0) {
      errors.push({ nodeId: n.id, message: `${label(n)} has no input: connect a node to it` });
      structural = true;
    }
    if (ins.length > 1) {
      errors.push({ nodeId: n.id, message: `${label(n)} has two inputs (${ins.map(nameOf).join(', ')}); each layer takes exactly one` });
      structural = true;
    }
    if (n.kind === 'output' && outs.length > 0) {
      errors.push({ nodeId: n.id, message: `${label(n)} is connected onward to ${outs.map(nameOf).join(', ')}; the output ends the network` });
      structural = true;
    }
    if (outs.length > 1) {
      errors.push({
        nodeId: n.id,
        message: `${label(n)} branches to ${outs.map(nameOf).join(' and ')}: the vector form is a chain from input to output, so branches are not supported`,
      });
      structural = true;
    }
    if (n.kind !== 'output' && outs.length === 0) {
      errors.push({ nodeId: n.id, message: `${label(n)} leads nowhere: connect it onward towards the output` });
      structural = true;
    }
  }

  // Cycles: depth-first search over every edge; each cycle is reported once, at its first node.
  const state = new Map<string, 'active' | 'done'>();
  const path: string[] = [];
  const onCycle = new Set<string>();
  const visit = (id: string): void => {
    state.set(id, 'active');
    path.push(id);
    for (const next of outgoing.get(id) ?? []) {
      if (state.get(next) === 'active') {
        const cycle = path.slice(path.indexOf(next));
        if (!cycle.some((c) => onCycle.has(c))) {
          errors.push({ nodeId: next, message: `${label(byId.get(next)!)} is on a cycle (${[...cycle, next].map(nameOf).join(' -> ')}); the network must run from input to output` });
          structural = true;
        }
        cycle.forEach((c) => onCycle.add(c));
      } else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(id, 'done');
  };
  for (const n of graph.nodes) if (!state.has(n.id)) visit(n.id);

  if (inputs.length !== 1 || outputs.length !== 1) return null;

  // Walk from the input; every node not reached is disconnected.
  const chain: GraphNode[] = [];
  const onChain = new Set<string>();
  let cur: GraphNode | undefined = inputs[0];
  while (cur && !onChain.has(cur.id)) {
    chain.push(cur);
    onChain.add(cur.id);
    const next: string | undefined = (outgoing.get(cur.id) ?? [])[0];
    cur = next === undefined ? undefined : byId.get(next);
  }
  const named = new Set(errors.map((e) => e.nodeId));
  for (const n of graph.nodes)
    if (!onChain.has(n.id) && !named.has(n.id))
      errors.push({ nodeId: n.id, message: `${label(n)} is not connected to the input "${inputs[0].name}"` });
  if (chain[chain.length - 1].kind !== 'output' && !structural && errors.length === 0)
    errors.push({ nodeId: chain[chain.length - 1].id, message: `${label(chain[chain.length - 1])}: the chain from the input does not reach the output` });
  return chain;
}

interface Inferred {
  out: Shape | null;
  paramCount: number;
  macs: number;
  layer?: LayerSpec;
  /** Set when `out` is the vector a fully-connected layer produced (its label), not an image. */
  vectorFrom?: string;
}

/**
 * Checks one node's parameters against its input shape and infers its output shape. `vectorFrom`
 * names the fully-connected layer whose output vector reaches this node, if one does.
 */
function inferNode(n: GraphNode, inShape: Shape | null, errors: string[], vectorFrom?: string): Inferred {
  const p = new ParamReader(n.params as unknown as Record<string, unknown>);
  const base = { nodeId: n.id, name: n.name };
  const result = (r: Inferred): Inferred => {
    errors.push(...p.errors);
    return p.errors.length > 0 ? { out: null, paramCount: 0, macs: 0 } : r;
  };
  switch (n.kind) {
    case 'input': {
      const d = p.int('channels', 1, 'channels');
      const a = p.int('height', 1, 'height');
      const b = p.int('width', 1, 'width');
      return result({ out: { d, a, b }, paramCount: 0, macs: 0 });
    }
    case 'conv': {
      const filters = p.int('filters', 1, 'filters');
      const size = p.int('size', 1, 'filter size');
      const stride = p.int('stride', 1, 'stride');
      const padding = p.int('padding', 0, 'padding');
      const activation = p.activation('activation');
      const leak = p.leak();
      if (p.errors.length > 0 || !inShape) return result({ out: null, paramCount: 0, macs: 0 });
      if (vectorFrom !== undefined && size > 1) {
        p.errors.push(`its input is the vector of ${inShape.d} values from ${vectorFrom}; a filter larger than 1x1 needs an image, so place it before the fully-connected layer or use size 1`);
        return result({ out: null, paramCount: 0, macs: 0 });
      }
      const aPad = inShape.a + 2 * padding;
      const bPad = inShape.b + 2 * padding;
      if (size > aPad || size > bPad) {
        p.errors.push(`filter ${size}x${size} is larger than its padded input ${aPad}x${bPad} (input ${inShape.a}x${inShape.b}, padding ${padding})`);
        return result({ out: null, paramCount: 0, macs: 0 });
      }
      const aConv = slidingOutputSize(inShape.a, size, stride, padding);
      const bConv = slidingOutputSize(inShape.b, size, stride, padding);
      const out = { d: filters, a: aConv, b: bConv };
      const weights = filters * size * size * inShape.d;
      return result({
        out,
        paramCount: weights + filters,
        macs: weights * aConv * bConv,
        layer: { kind: 'conv', ...base, inShape, outShape: out, filters, size, stride, padding, activation, leak },
        vectorFrom: isVectorShape(out) ? vectorFrom : undefined,
      });
    }
    case 'pool': {
      const mode = p.oneOf('mode', ['max', 'avg'] as const, 'mode');
      const size = p.int('size', 1, 'pool size');
      const stride = p.int('stride', 1, 'stride');
      if (p.errors.length > 0 || !inShape) return result({ out: null, paramCount: 0, macs: 0 });
      if (size > inShape.a || size > inShape.b) {
        p.errors.push(`pool window ${size}x${size} is larger than its input ${inShape.a}x${inShape.b}: the size would reach 0`);
        return result({ out: null, paramCount: 0, macs: 0 });
      }
      const out = { d: inShape.d, a: slidingOutputSize(inShape.a, size, stride), b: slidingOutputSize(inShape.b, size, stride) };
      return result({
        out,
        paramCount: 0,
        macs: mode === 'avg' ? shapeSize(out) * size * size : 0,
        layer: { kind: 'pool', ...base, inShape, outShape: out, mode, size, stride },
        vectorFrom,
      });
    }
    case 'activation': {
      const activation = p.activation('fn');
      const leak = p.leak();
      if (p.errors.length > 0 || !inShape) return result({ out: null, paramCount: 0, macs: 0 });
      return result({ out: inShape, paramCount: 0, macs: 0, layer: { kind: 'activation', ...base, inShape, outShape: inShape, activation, leak }, vectorFrom });
    }
    case 'fc': {
      const units = p.int('units', 1, 'units');
      const activation = p.activation('activation');
      const leak = p.leak();
      if (p.errors.length > 0 || !inShape) return result({ out: null, paramCount: 0, macs: 0 });
      const nIn = shapeSize(inShape);
      const out = { d: units, a: 1, b: 1 };
      return result({ out, paramCount: units * nIn + units, macs: units * nIn, layer: { kind: 'fc', ...base, inShape, outShape: out, units, activation, leak }, vectorFrom: label(n) });
    }
    case 'output': {
      p.oneOf('loss', ['squared', 'softmax_ce'] as const, 'loss');
      const classes = p.int('classes', 2, 'classes');
      p.regularizer();
      if (p.errors.length > 0 || !inShape) return result({ out: null, paramCount: 0, macs: 0 });
      if (shapeSize(inShape) !== classes)
        p.errors.push(
          `expects ${classes} class scores but its input has ${shapeSize(inShape)} values (${formatShape(inShape)}); end the network with a fully-connected layer of ${classes} units`,
        );
      return result({ out: inShape, paramCount: 0, macs: 0 });
    }
    default: {
      const kind = (n as { kind: unknown }).kind;
      errors.push(`unknown kind ${JSON.stringify(kind)} (expected one of ${NODE_KINDS.join(', ')})`);
      return { out: null, paramCount: 0, macs: 0 };
    }
  }
}

/**
 * Validates a graph and infers every tensor shape, parameter count and multiply-add count.
 * Never throws for a structurally parsed graph: every problem is returned as an error that names
 * its node. `network` is present only when there are no errors.
 */
export function compileGraph(graph: GraphFile, options: CompileOptions = {}): CompileResult {
  const errors: GraphError[] = [];
  // Keyed by the user's ids, which may be "__proto__" or "constructor": no prototype to collide with.
  const nodes: Record<string, NodeSummary> = Object.create(null);
  const edgeShapes: Record<string, Shape> = Object.create(null);
  for (const n of graph.nodes) nodes[n.id] = { inShape: null, outShape: null, paramCount: 0, macs: 0 };

  const chain = orderChain(graph, errors);

  // Infer along the chain; nodes off the chain still get their parameters checked.
  const layers: LayerSpec[] = [];
  const visited = new Set<string>();
  let shape: Shape | null = null;
  let vectorFrom: string | undefined;
  let chainOk = chain !== null;
  for (const n of chain ?? []) {
    visited.add(n.id);
    const nodeErrors: string[] = [];
    const r = inferNode(n, n.kind === 'input' ? null : shape, nodeErrors, vectorFrom);
    vectorFrom = r.vectorFrom;
    for (const m of nodeErrors) errors.push({ nodeId: n.id, message: `${label(n)}: ${m}` });
    nodes[n.id] = { inShape: n.kind === 'input' ? null : shape, outShape: r.out, paramCount: r.paramCount, macs: r.macs };
    if (r.layer) layers.push(r.layer);
    if (!r.out) chainOk = false;
    shape = r.out;
  }
  for (const n of graph.nodes) {
    if (visited.has(n.id)) continue;
    const nodeErrors: string[] = [];
    inferNode(n, null, nodeErrors);
    for (const m of nodeErrors) errors.push({ nodeId: n.id, message: `${label(n)}: ${m}` });
  }
  for (const e of graph.edges) {
    const s = nodes[e.source]?.outShape;
    if (s && nodes[e.target]) edgeShapes[e.id] = s;
  }

  let paramCount = 0;
  let macs = 0;
  for (const id in nodes) {
    paramCount += nodes[id].paramCount;
    macs += nodes[id].macs;
  }

  const result: CompileResult = { ok: errors.length === 0 && chainOk, errors, nodes, edgeShapes, totals: { paramCount, macs } };
  if (result.ok && chain) {
    const input = chain[0];
    const output = chain[chain.length - 1];
    if (input.kind !== 'input' || output.kind !== 'output') throw new Error('compileGraph: chain invariant broken');
    const network: NetworkSpec = {
      input: nodes[input.id].outShape!,
      layers,
      loss: output.params.loss,
      classes: output.params.classes,
      C: output.params.C ?? null,
    };
    result.memory = estimateMemory(network, options);
    const tooLarge = options.memoryLimit === undefined ? null : memoryProblem(result.memory, options.memoryLimit, options.memoryLimitName);
    if (tooLarge) {
      const node = tooLarge.nodeId === null ? null : chain.find((n) => n.id === tooLarge.nodeId)!;
      errors.push({ nodeId: tooLarge.nodeId, message: node ? `${label(node)}: ${tooLarge.message}` : tooLarge.message });
      result.ok = false;
    } else result.network = network;
  }
  return result;
}
