/**
 * The model file: a graph plus the values of every parameter (and, once trained, the
 * preprocessing fitted on the training data). Documented in docs/formats.md.
 *
 * W is written as nested arrays in the vector-form layout: one row per output channel, columns
 * ordered in-window row fastest, then window column, then input channel (fully connected: the vec
 * of the layer input, channel fastest, then height, then width). b is a plain array.
 */
import { checkPreprocessing, PreprocessingFormatError } from '../data/preprocessing';
import { compileGraph, type NetworkSpec } from '../graph/compile';
import type { GraphFile } from '../graph/format';
import { parseGraph, GraphFormatError } from '../graph/parse';
import type { ParameterValues } from '../engine/network';
import { weightShape } from '../engine/weightShape';

export const MODEL_FORMAT = 'cnnwb-model';
export const MODEL_FORMAT_VERSION = 1;

export interface ModelLayerWeights {
  nodeId: string;
  W: number[][];
  b: number[];
}

export interface ModelFile {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_FORMAT_VERSION;
  graph: GraphFile;
  /** The seed the weights were initialised from, when they were. */
  seed?: number;
  /** Preprocessing fitted on the training data (see docs/data.md), applied before the network. */
  preprocessing?: unknown;
  layers: ModelLayerWeights[];
}

export class ModelFormatError extends Error {
  constructor(
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${where}: ${problem}`);
    this.name = 'ModelFormatError';
  }
}

/** A column-major rows x cols matrix as nested rows. */
export function toRows(values: ArrayLike<number>, rows: number, cols: number): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < rows; r++) {
    const row = new Array<number>(cols);
    for (let c = 0; c < cols; c++) row[c] = values[r + rows * c];
    out.push(row);
  }
  return out;
}

/** Nested rows back to a column-major array. */
export function fromRows(rowsData: number[][], rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r + rows * c] = rowsData[r][c];
  return out;
}

export function buildModelFile(graph: GraphFile, parameters: readonly ParameterValues[], extra: { seed?: number; preprocessing?: unknown } = {}): ModelFile {
  const layers: ModelLayerWeights[] = [];
  for (let t = 0; t < parameters.length; t += 2) {
    const W = parameters[t];
    const b = parameters[t + 1];
    layers.push({ nodeId: W.layerId, W: toRows(W.values, W.rows, W.cols), b: Array.from(b.values) });
  }
  return { format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, graph, ...extra, layers };
}

export interface LoadedModel {
  model: ModelFile;
  spec: NetworkSpec;
  /** In Network.parameters order: W then b of every conv / fc layer. */
  parameters: ParameterValues[];
}

/** Validates a parsed model file against its own graph; every error names the place. */
export function loadModel(raw: unknown): LoadedModel {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ModelFormatError('model', 'expected a JSON object');
  const m = raw as Record<string, unknown>;
  if (m.format !== MODEL_FORMAT) throw new ModelFormatError('format', `expected "${MODEL_FORMAT}", got ${JSON.stringify(m.format)}`);
  if (m.version !== MODEL_FORMAT_VERSION) throw new ModelFormatError('version', `expected ${MODEL_FORMAT_VERSION}, got ${JSON.stringify(m.version)}`);
  let graph: GraphFile;
  try {
    graph = parseGraph(m.graph);
  } catch (e) {
    if (e instanceof GraphFormatError) throw new ModelFormatError(`graph.${e.where}`, e.problem);
    throw e;
  }
  const compiled = compileGraph(graph);
  if (!compiled.ok) throw new ModelFormatError('graph', compiled.errors.map((e) => e.message).join('; '));
  const spec = compiled.network!;
  const affine = spec.layers.filter((l) => l.kind === 'conv' || l.kind === 'fc');
  if (!Array.isArray(m.layers)) throw new ModelFormatError('layers', 'expected an array');
  if (m.layers.length !== affine.length) throw new ModelFormatError('layers', `expected ${affine.length} entries (one per convolution / fully-connected node), got ${m.layers.length}`);
  const parameters: ParameterValues[] = [];
  affine.forEach((layer, i) => {
    const entry = (m.layers as unknown[])[i] as Record<string, unknown>;
    const where = `layers[${i}]`;
    if (typeof entry !== 'object' || entry === null) throw new ModelFormatError(where, 'expected an object');
    if (entry.nodeId !== layer.nodeId) throw new ModelFormatError(`${where}.nodeId`, `expected "${layer.nodeId}" (the graph's layer order), got ${JSON.stringify(entry.nodeId)}`);
    const { rows, cols } = weightShape(layer);
    const W = entry.W;
    if (!Array.isArray(W) || W.length !== rows) throw new ModelFormatError(`${where}.W`, `expected ${rows} rows (output channels of "${layer.nodeId}"), got ${Array.isArray(W) ? W.length : typeof W}`);
    W.forEach((row: unknown, r: number) => {
      if (!Array.isArray(row) || row.length !== cols) throw new ModelFormatError(`${where}.W[${r}]`, `expected ${cols} numbers, got ${Array.isArray(row) ? row.length : typeof row}`);
      row.forEach((v: unknown, c: number) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new ModelFormatError(`${where}.W[${r}][${c}]`, `expected a finite number, got ${JSON.stringify(v)}`);
      });
    });
    const b = entry.b;
    if (!Array.isArray(b) || b.length !== rows) throw new ModelFormatError(`${where}.b`, `expected ${rows} numbers, got ${Array.isArray(b) ? b.length : typeof b}`);
    b.forEach((v: unknown, r: number) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new ModelFormatError(`${where}.b[${r}]`, `expected a finite number, got ${JSON.stringify(v)}`);
    });
    parameters.push({ layerId: layer.nodeId, name: 'W', rows, cols, values: fromRows(W as number[][], rows, cols) });
    parameters.push({ layerId: layer.nodeId, name: 'b', rows, cols: 1, values: Float64Array.from(b as number[]) });
  });
  if (m.preprocessing !== undefined && m.preprocessing !== null) {
    try {
      checkPreprocessing(m.preprocessing, 'preprocessing', spec.input);
    } catch (e) {
      if (e instanceof PreprocessingFormatError) throw new ModelFormatError(e.field ? `preprocessing.${e.field}` : 'preprocessing', e.problem);
      throw e;
    }
  }
  return { model: { ...(m as unknown as ModelFile), graph }, spec, parameters };
}

/** A model file from parameters stored as flat column-major arrays (a trainer's), in layer order. */
export function buildModelFromValues(graph: GraphFile, stored: readonly { layerId: string; name: 'W' | 'b'; values: ArrayLike<number> }[], extra: { seed?: number; preprocessing?: unknown } = {}): ModelFile {
  const compiled = compileGraph(graph);
  if (!compiled.ok) throw new ModelFormatError('graph', compiled.errors.map((e) => e.message).join('; '));
  const shapes = new Map<string, { rows: number; cols: number }>();
  for (const layer of compiled.network!.layers) if (layer.kind === 'conv' || layer.kind === 'fc') shapes.set(layer.nodeId, weightShape(layer));
  const parameters: ParameterValues[] = stored.map((p) => {
    const shape = shapes.get(p.layerId);
    if (!shape) throw new ModelFormatError(p.layerId, 'is not a convolution or fully-connected node of the graph');
    const rows = shape.rows;
    const cols = p.name === 'W' ? shape.cols : 1;
    if (p.values.length !== rows * cols) throw new ModelFormatError(`${p.layerId}.${p.name}`, `expected ${rows * cols} values, got ${p.values.length}`);
    return { layerId: p.layerId, name: p.name, rows, cols, values: Float64Array.from(p.values) };
  });
  return buildModelFile(graph, parameters, extra);
}
