/**
 * A model (graph + weights + preprocessing) as an ONNX file, opset 13.
 *
 * The ONNX graph takes `x`: N x C x H x W float32 raw values (before preprocessing, as read from
 * the data set) and gives `scores`: N x classes, the network's z^{L+1}; with softmax
 * cross-entropy it also gives `probabilities` = softmax(scores). The preprocessing becomes
 * Sub / Mul / Sub / Div nodes with constant operands; each conv / fc node of the graph becomes a
 * Conv / Gemm node of the same name (its activation a node named "<name>/<function>"), so an
 * import gives back the same names. Weights are permuted from the vector form's layout to OIHW
 * and NCHW-flatten order (core/export/layout.ts), so no Transpose is needed before a Gemm.
 */
import type { LayerSpec } from '../graph/compile';
import type { ActivationKind } from '../graph/format';
import type { Shape } from '../graph/shape';
import { checkPreprocessing } from '../data/preprocessing';
import type { LoadedModel } from '../model/modelFile';
import { convWeightToOihw, fcWeightToNchwRows, vecToNchw } from './layout';
import { attrFloat, attrInt, attrInts, OnnxGraphBuilder } from './onnxBuilder';
import { encodeOnnxModel, ONNX_FLOAT, type OnnxModel, type OnnxValueInfo } from './onnxSchema';

export const ONNX_OPSET = 13;
/** IR version 7 goes with opset 13 (ONNX 1.8). */
export const ONNX_IR_VERSION = 7;
export const ONNX_PRODUCER = 'cnnwb';
export const ONNX_INPUT_NAME = 'x';
export const ONNX_SCORES_NAME = 'scores';
export const ONNX_PROBABILITIES_NAME = 'probabilities';
/** metadata_props keys: what ONNX has no place for (the loss, C, the editor's graph). */
export const META_LOSS = 'cnnwb.loss';
export const META_C = 'cnnwb.C';
export const META_GRAPH = 'cnnwb.graph';

export interface OnnxExportOptions {
  /** Also output softmax(scores) when the loss is softmax cross-entropy. Default true. */
  probabilities?: boolean;
  producerVersion?: string;
}

const ACTIVATION_OP: Record<Exclude<ActivationKind, 'linear'>, string> = { relu: 'Relu', leaky_relu: 'LeakyRelu', tanh: 'Tanh', sigmoid: 'Sigmoid' };

function addActivation(g: OnnxGraphBuilder, fn: ActivationKind, leak: number, input: string, name: string): string {
  if (fn === 'linear') return input;
  return g.node(ACTIVATION_OP[fn], name, [input], `${name}:out`, fn === 'leaky_relu' ? [attrFloat('alpha', leak)] : []);
}

function tensorValueInfo(name: string, dims: (number | string)[]): OnnxValueInfo {
  return {
    name,
    type: { tensorType: { elemType: ONNX_FLOAT, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  };
}

/** The preprocessing ((x - offset) * scale - mean) / std as nodes on x (NCHW). */
function addPreprocessing(g: OnnxGraphBuilder, raw: unknown, input: Shape, x: string): string {
  const p = checkPreprocessing(raw, 'model.preprocessing', input);
  const { d, a, b } = p.shape;
  let t = x;
  if (p.offset !== 0) t = g.node('Sub', 'preprocess/offset', [t, g.floatInitializer('preprocess.offset', [], [p.offset])], 'preprocess/offset:out');
  if (p.scale !== 1) t = g.node('Mul', 'preprocess/scale', [t, g.floatInitializer('preprocess.scale', [], [p.scale])], 'preprocess/scale:out');
  if (p.mean === 'none') return t;
  const perPixel = p.mean === 'per-pixel';
  const dims = perPixel ? [1, d, a, b] : [1, d, 1, 1];
  const nchw = (values: number[]) => (perPixel ? vecToNchw(values, p.shape, 1) : values);
  t = g.node('Sub', 'preprocess/mean', [t, g.floatInitializer('preprocess.mean', dims, nchw(p.meanValues))], 'preprocess/mean:out');
  if (p.standardize) t = g.node('Div', 'preprocess/std', [t, g.floatInitializer('preprocess.std', dims, nchw(p.stdValues))], 'preprocess/std:out');
  return t;
}

function layerNodes(g: OnnxGraphBuilder, layer: LayerSpec, params: LoadedModel['parameters'], t: string, rank: 2 | 4): { t: string; rank: 2 | 4 } {
  const id = layer.nodeId;
  const toImage = (): string => (rank === 4 ? t : g.node('Reshape', `${id}/to_image`, [t, g.int64Initializer(`${id}.image_shape`, [0, layer.inShape.d, layer.inShape.a, layer.inShape.b])], `${id}/to_image:out`));
  switch (layer.kind) {
    case 'conv': {
      const W = params.find((p) => p.layerId === id && p.name === 'W')!;
      const bias = params.find((p) => p.layerId === id && p.name === 'b')!;
      const h = layer.size;
      const weight = g.floatInitializer(`${id}.weight`, [layer.filters, layer.inShape.d, h, h], convWeightToOihw(W.values, layer.filters, layer.inShape.d, h));
      const biasName = g.floatInitializer(`${id}.bias`, [layer.filters], bias.values);
      const s = layer.stride;
      const p = layer.padding;
      const conv = g.node('Conv', id, [toImage(), weight, biasName], `${id}:out`, [
        attrInts('kernel_shape', [h, h]),
        attrInts('strides', [s, s]),
        attrInts('pads', [p, p, p, p]),
        attrInts('dilations', [1, 1]),
        attrInt('group', 1),
      ]);
      return { t: addActivation(g, layer.activation, layer.leak, conv, `${id}/${layer.activation}`), rank: 4 };
    }
    case 'pool': {
      const q = layer.size;
      const attributes = [attrInts('kernel_shape', [q, q]), attrInts('strides', [layer.stride, layer.stride]), attrInts('pads', [0, 0, 0, 0])];
      return { t: g.node(layer.mode === 'max' ? 'MaxPool' : 'AveragePool', id, [toImage()], `${id}:out`, attributes), rank: 4 };
    }
    case 'activation':
      return { t: addActivation(g, layer.activation, layer.leak, t, id), rank };
    case 'fc': {
      const W = params.find((p) => p.layerId === id && p.name === 'W')!;
      const bias = params.find((p) => p.layerId === id && p.name === 'b')!;
      const flat = rank === 4 ? g.node('Flatten', `${id}/flatten`, [t], `${id}/flatten:out`, [attrInt('axis', 1)]) : t;
      const K = layer.inShape.d * layer.inShape.a * layer.inShape.b;
      const weight = g.floatInitializer(`${id}.weight`, [layer.units, K], fcWeightToNchwRows(W.values, layer.units, layer.inShape));
      const biasName = g.floatInitializer(`${id}.bias`, [layer.units], bias.values);
      const gemm = g.node('Gemm', id, [flat, weight, biasName], `${id}:out`, [attrInt('transB', 1)]);
      return { t: addActivation(g, layer.activation, layer.leak, gemm, `${id}/${layer.activation}`), rank: 2 };
    }
  }
}

/** Builds the ONNX model of a loaded model file and returns the .onnx bytes. */
export function exportOnnx(loaded: LoadedModel, options: OnnxExportOptions = {}): Uint8Array {
  const { spec, model, parameters } = loaded;
  const g = new OnnxGraphBuilder();
  const { d, a, b } = spec.input;
  let t = ONNX_INPUT_NAME;
  if (model.preprocessing !== undefined && model.preprocessing !== null) t = addPreprocessing(g, model.preprocessing, spec.input, t);
  let rank: 2 | 4 = 4;
  for (const layer of spec.layers) ({ t, rank } = layerNodes(g, layer, parameters, t, rank));
  const last = spec.layers.length > 0 ? spec.layers[spec.layers.length - 1].outShape : spec.input;
  if (rank === 4) {
    // The scores are vec(Z) of the last output: channel fastest, then row, then column.
    if (last.a > 1 || last.b > 1) t = g.node('Transpose', 'scores/to_vec_order', [t], 'scores/to_vec_order:out', [attrInts('perm', [0, 3, 2, 1])]);
    t = g.node('Flatten', 'scores/flatten', [t], 'scores/flatten:out', [attrInt('axis', 1)]);
  }
  if (t === ONNX_INPUT_NAME) t = g.node('Identity', 'scores/identity', [t], 'scores/identity:out');
  g.rename(t, ONNX_SCORES_NAME);
  const outputs = [tensorValueInfo(ONNX_SCORES_NAME, ['N', spec.classes])];
  if (spec.loss === 'softmax_ce' && options.probabilities !== false) {
    g.node('Softmax', 'probabilities', [ONNX_SCORES_NAME], ONNX_PROBABILITIES_NAME, [attrInt('axis', 1)]);
    outputs.push(tensorValueInfo(ONNX_PROBABILITIES_NAME, ['N', spec.classes]));
  }
  const onnx: OnnxModel = {
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: ONNX_PRODUCER,
    producerVersion: options.producerVersion ?? '0.1.0',
    docString: `${model.graph.name}: exported from CNN Workbench. Input x: N x ${d} x ${a} x ${b} raw values${
      model.preprocessing ? ' (the preprocessing is part of the graph)' : ' (no preprocessing: feed the values the network was trained on)'
    }; output scores: N x ${spec.classes}.`,
    graph: {
      name: model.graph.name,
      node: g.nodes,
      initializer: g.initializers,
      input: [tensorValueInfo(ONNX_INPUT_NAME, ['N', d, a, b])],
      output: outputs,
    },
    metadataProps: [
      { key: META_LOSS, value: spec.loss },
      { key: META_C, value: JSON.stringify(spec.C) },
      { key: META_GRAPH, value: JSON.stringify(model.graph) },
    ],
  };
  return encodeOnnxModel(onnx);
}
