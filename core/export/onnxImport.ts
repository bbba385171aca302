/**
 * An ONNX model made of the operators the workbench has becomes an editable graph with its weights
 * (a model file). The ONNX graph must be a chain from its one input (N x C x H x W, or N x K) to its
 * scores:
 *
 *   [Sub offset] [Mul|Div scale] [Sub mean] [Div std]       -> the model's preprocessing
 *   Conv (+ Relu | LeakyRelu | Tanh | Sigmoid)               -> conv node
 *   MaxPool | AveragePool | GlobalMaxPool | GlobalAveragePool -> pool node
 *   Relu | LeakyRelu | Tanh | Sigmoid                        -> activation node (or fused into the conv/fc before it)
 *   Flatten | Reshape to N x K | Transpose [0,3,2,1] + Flatten -> nothing: an fc node flattens its input
 *   Gemm | MatMul [+ Add bias] (+ activation)                -> fc node
 *   Softmax | LogSoftmax at the end                          -> loss softmax cross-entropy
 *   Pad with zeros (none, or the same on every side before a Conv) -> nothing / the Conv's padding
 *   Identity, Dropout, Constant                              -> nothing
 *
 * Everything else, and every attribute value the vector form cannot express (groups, dilations,
 * asymmetric padding, ceil mode, ...), is collected and reported by node name; nothing is
 * returned unless the whole model imports. Weights are permuted back from OIHW and NCHW-flatten
 * order to the vector form's layout (core/export/layout.ts).
 */
import { compileGraph } from '../graph/compile';
import { GRAPH_FORMAT, GRAPH_FORMAT_VERSION, type ActivationKind, type GraphFile, type GraphNode, type LossKind } from '../graph/format';
import { shapeSize, type Shape } from '../graph/shape';
import { loadModel, ModelFormatError, MODEL_FORMAT, MODEL_FORMAT_VERSION, toRows, type LoadedModel, type ModelFile } from '../model/modelFile';
import { ChainImporter, SUPPORTED_OPS, type ImportProblem } from './onnxChain';
import { META_C, META_GRAPH, META_LOSS, ONNX_PRODUCER } from './onnxExport';
import { decodeOnnxModel, ONNX_FLOAT, type OnnxModel } from './onnxSchema';
import { constantNodeValue, tensorValues, type ConstantTensor } from './onnxValues';

export { SUPPORTED_OPS, type ImportProblem } from './onnxChain';

/** `Conv node "conv1": ...`, `tensor "t": ...`, `graph "g": ...`, or the bare sentence when it names its place itself. */
function describeProblem(p: ImportProblem): string {
  if (!p.opType) return p.problem;
  if (['tensor', 'input', 'initializer', 'graph'].includes(p.opType)) return `${p.opType} "${p.node}": ${p.problem}`;
  return `${p.opType} node "${p.node}": ${p.problem}`;
}

export class OnnxImportError extends Error {
  /** The message without the source: "not imported, N problems: ...". */
  readonly detail: string;

  constructor(
    readonly source: string,
    readonly problems: ImportProblem[],
  ) {
    const detail = `not imported, ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.map(describeProblem).join('; ')}`;
    super(`${source}: ${detail}`);
    this.detail = detail;
    this.name = 'OnnxImportError';
  }
}

function inputShape(model: OnnxModel, constants: ReadonlySet<string>, problems: ImportProblem[]): { name: string; shape: Shape; rank: 2 | 4 } | null {
  const graphName = model.graph?.name || 'graph';
  const inputs = (model.graph?.input ?? []).filter((i) => !constants.has(i.name));
  if (inputs.length !== 1) {
    problems.push({ node: graphName, opType: 'graph', problem: `has ${inputs.length} inputs (${inputs.map((i) => `"${i.name}"`).join(', ')}); the workbench takes exactly one` });
    return null;
  }
  const input = inputs[0];
  const tensorType = input.type?.tensorType;
  if (!tensorType || (tensorType.elemType ?? ONNX_FLOAT) !== ONNX_FLOAT) {
    problems.push({ node: input.name, opType: 'input', problem: 'the input is not a float32 tensor' });
    return null;
  }
  const dims = (tensorType.shape?.dim ?? []).map((d) => (d.dimValue !== undefined && Number(d.dimValue) > 0 ? Number(d.dimValue) : null));
  const fixed = dims.slice(1);
  if ((dims.length !== 4 && dims.length !== 2) || fixed.some((v) => v === null)) {
    const shown = (tensorType.shape?.dim ?? []).map((d) => d.dimParam || d.dimValue || '?').join(' x ');
    problems.push({ node: input.name, opType: 'input', problem: `shape [${shown}]: expected N x C x H x W or N x K with fixed C, H, W (K)` });
    return null;
  }
  const shape = dims.length === 4 ? { d: fixed[0]!, a: fixed[1]!, b: fixed[2]! } : { d: fixed[0]!, a: 1, b: 1 };
  return { name: input.name, shape, rank: dims.length === 4 ? 4 : 2 };
}

/** Turns a name into a graph node id: letters, digits, '_', '-', '.'; unique among `taken`. */
function nodeId(name: string, fallback: string, taken: Set<string>): string {
  // PyTorch names nodes "/<module path>/<Op>[_k]": the module path is the layer's name.
  const modulePath = name.startsWith('/') ? name.replace(/\/[A-Za-z]+(_\d+)?$/, '') : name;
  const base = modulePath.replace(/^\/+/, '').replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '') || fallback;
  let id = base;
  for (let k = 2; taken.has(id); k++) id = `${base}_${k}`;
  taken.add(id);
  return id;
}

function readMetadata(model: OnnxModel): { loss?: LossKind; C?: number | null; graph?: GraphFile } {
  const meta = new Map((model.metadataProps ?? []).map((m) => [m.key, m.value]));
  const out: { loss?: LossKind; C?: number | null; graph?: GraphFile } = {};
  const loss = meta.get(META_LOSS);
  if (loss === 'squared' || loss === 'softmax_ce') out.loss = loss;
  try {
    const C = JSON.parse(meta.get(META_C) ?? 'undefined');
    if (C === null || (typeof C === 'number' && C > 0 && Number.isFinite(C))) out.C = C;
  } catch {
    /* absent or not JSON: no C */
  }
  try {
    const graph = JSON.parse(meta.get(META_GRAPH) ?? 'null');
    if (graph && Array.isArray(graph.nodes)) out.graph = graph as GraphFile;
  } catch {
    /* absent or not JSON: positions are laid out afresh */
  }
  return out;
}

/**
 * Imports an .onnx file's bytes as a model file (graph + weights + preprocessing), validated by
 * loadModel. Throws OnnxImportError listing every unsupported node; nothing is half-imported.
 */
export interface OnnxImportOptions {
  /** The loss and C of the output node, over what the file says (default: softmax cross-entropy, no regulariser). */
  loss?: LossKind;
  C?: number | null;
}

export function importOnnx(bytes: Uint8Array, source = 'model.onnx', options: OnnxImportOptions = {}): LoadedModel {
  let model: OnnxModel;
  try {
    model = decodeOnnxModel(bytes);
  } catch (e) {
    throw new OnnxImportError(source, [{ node: source, opType: '', problem: `not an ONNX model (${(e as Error).message})` }]);
  }
  const problems: ImportProblem[] = [];
  if (!model.graph) throw new OnnxImportError(source, [{ node: source, opType: '', problem: 'not an ONNX model (it has no graph)' }]);
  const opset = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  if (opset && Number(opset.version) < 7) problems.push({ node: model.graph.name || 'graph', opType: 'graph', problem: `opset ${opset.version} is older than 7` });
  const nodes = model.graph.node ?? [];

  const constants = new Map<string, ConstantTensor>();
  const unreadable = new Set<string>();
  for (const t of model.graph.initializer ?? []) {
    const v = tensorValues(t);
    if (typeof v === 'string') {
      problems.push({ node: t.name ?? '', opType: 'initializer', problem: v });
      unreadable.add(t.name ?? '');
    } else constants.set(t.name ?? '', v);
  }
  nodes.forEach((n, i) => {
    if (n.opType !== 'Constant') return;
    const v = constantNodeValue(n);
    if (typeof v === 'string') problems.push({ node: n.name || `#${i}`, opType: n.opType, problem: v });
    else constants.set(n.output[0], v);
  });

  const input = inputShape(model, new Set([...constants.keys(), ...unreadable]), problems);
  const meta = readMetadata(model);
  const fromWorkbench = model.producerName === ONNX_PRODUCER;
  const importer = new ChainImporter(constants, fromWorkbench, input?.shape ?? { d: 1, a: 1, b: 1 }, input?.rank ?? 4, unreadable);

  // consumers: the non-Constant nodes that read a tensor that is not a constant
  const consumers = new Map<string, number[]>();
  nodes.forEach((n, i) => {
    if (n.opType === 'Constant') return;
    for (const t of new Set(n.input)) if (t && !constants.has(t) && !unreadable.has(t)) (consumers.get(t) ?? consumers.set(t, []).get(t)!).push(i);
  });
  const visited = new Set<number>();
  let current = input?.name;
  while (current !== undefined) {
    const readers = consumers.get(current) ?? [];
    if (readers.length === 0) break;
    if (readers.length > 1) {
      problems.push({ node: current, opType: 'tensor', problem: `feeds ${readers.length} nodes (${readers.map((i) => `"${nodes[i].name || `#${i}`}"`).join(', ')}); the workbench imports a chain without branches` });
      break;
    }
    const i = readers[0];
    const node = nodes[i];
    visited.add(i);
    const output = node.output[0];
    const isLast = (consumers.get(output) ?? []).length === 0;
    importer.visit(node, i, isLast);
    current = output;
  }
  nodes.forEach((n, i) => {
    if (visited.has(i) || n.opType === 'Constant') return;
    const supported = (SUPPORTED_OPS as readonly string[]).includes(n.opType);
    if (supported && !input) return; // without an input there is no chain to be off
    problems.push({ node: n.name || `#${i}`, opType: n.opType, problem: supported ? 'is not on the chain from the input to the output' : `operator ${n.opType} is not supported` });
  });
  problems.push(...importer.problems);
  if (input && importer.pendingPad > 0) problems.push({ node: current ?? '', opType: 'tensor', problem: 'ends with a Pad that no Conv takes' });
  if (input && problems.length === 0 && importer.nchwFlattenPending)
    problems.push({ node: current ?? '', opType: 'tensor', problem: 'the scores are an image flattened in NCHW order; the workbench gives them in vec order (add Transpose [0,3,2,1] before the Flatten)' });
  if (problems.length > 0 || !input) throw new OnnxImportError(source, problems);

  const graphOut = current ? (model.graph.output ?? []).some((o) => o.name === current) : false;
  if (!graphOut) throw new OnnxImportError(source, [{ node: current ?? '', opType: 'tensor', problem: 'the end of the chain is not an output of the graph' }]);
  if (options.loss !== undefined) meta.loss = options.loss;
  if (options.C !== undefined) meta.C = options.C;
  return buildImportedModel(model, importer, input.shape, meta, source);
}

function buildImportedModel(model: OnnxModel, importer: ChainImporter, input: Shape, meta: ReturnType<typeof readMetadata>, source: string): LoadedModel {
  const oldNodes = new Map((meta.graph?.nodes ?? []).map((n) => [n.id, n]));
  const oldInput = meta.graph?.nodes.find((n) => n.kind === 'input');
  const oldOutput = meta.graph?.nodes.find((n) => n.kind === 'output');
  const inputId = oldInput?.id ?? 'input';
  const outputId = oldOutput?.id ?? 'output';
  const taken = new Set<string>([inputId, outputId]);
  const position = (id: string, i: number) => oldNodes.get(id)?.position ?? { x: 250, y: i * 110 };
  const display = (id: string) => oldNodes.get(id)?.name ?? id;
  const classes = shapeSize(importer.shape);
  const graphNodes: GraphNode[] = [
    { id: inputId, name: display(inputId), kind: 'input', params: { channels: input.d, height: input.a, width: input.b }, position: position(inputId, 0) },
  ];
  const weights: ModelFile['layers'] = [];
  importer.layers.forEach((l, k) => {
    const id = nodeId(l.name, `${l.kind}${k + 1}`, taken);
    const base = { id, name: display(id), position: position(id, k + 1) };
    const leak = (fn: ActivationKind, value: number) => (fn === 'leaky_relu' ? { leak: value } : {});
    switch (l.kind) {
      case 'conv':
        graphNodes.push({ ...base, kind: 'conv', params: { filters: l.filters, size: l.size, stride: l.stride, padding: l.padding, activation: l.activation, ...leak(l.activation, l.leak) } });
        weights.push({ nodeId: id, W: toRows(l.W, l.filters, l.W.length / l.filters), b: Array.from(l.b) });
        break;
      case 'fc':
        graphNodes.push({ ...base, kind: 'fc', params: { units: l.units, activation: l.activation, ...leak(l.activation, l.leak) } });
        weights.push({ nodeId: id, W: toRows(l.W, l.units, l.W.length / l.units), b: Array.from(l.b) });
        break;
      case 'pool':
        graphNodes.push({ ...base, kind: 'pool', params: { mode: l.mode, size: l.size, stride: l.stride } });
        break;
      case 'activation':
        graphNodes.push({ ...base, kind: 'activation', params: { fn: l.activation, ...leak(l.activation, l.leak) } });
        break;
    }
  });
  const loss: LossKind = meta.loss ?? 'softmax_ce';
  graphNodes.push({ id: outputId, name: display(outputId), kind: 'output', params: { loss, classes, C: meta.C ?? null }, position: position(outputId, graphNodes.length) });
  const graph: GraphFile = {
    format: GRAPH_FORMAT,
    version: GRAPH_FORMAT_VERSION,
    name: meta.graph?.name ?? (model.graph?.name || source.replace(/^.*[\\/]/, '').replace(/\.onnx$/i, '')),
    nodes: graphNodes,
    edges: graphNodes.slice(1).map((n, i) => ({ id: `e-${graphNodes[i].id}-${n.id}`, source: graphNodes[i].id, target: n.id })),
  };
  const compiled = compileGraph(graph);
  if (!compiled.ok) throw new OnnxImportError(source, compiled.errors.map((e) => ({ node: e.nodeId ?? graph.name, opType: '', problem: e.message })));
  const modelFile: ModelFile = { format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, graph, layers: weights };
  const preprocessing = importer.pre.result();
  if (preprocessing) modelFile.preprocessing = preprocessing;
  try {
    return loadModel(modelFile);
  } catch (e) {
    if (e instanceof ModelFormatError) throw new OnnxImportError(source, [{ node: e.where, opType: '', problem: e.message }]);
    throw e;
  }
}
