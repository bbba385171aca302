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
import type { Preprocessing } from '../data/preprocessing';
import { compileGraph } from '../graph/compile';
import { GRAPH_FORMAT, GRAPH_FORMAT_VERSION, type ActivationKind, type GraphFile, type GraphNode, type LossKind, type PoolMode } from '../graph/format';
import { shapeSize, slidingOutputSize, type Shape } from '../graph/shape';
import { loadModel, ModelFormatError, MODEL_FORMAT, MODEL_FORMAT_VERSION, toRows, type LoadedModel, type ModelFile } from '../model/modelFile';
import { nchwRowsToFcWeight, nchwToVec, oihwToConvWeight } from './layout';
import { META_C, META_GRAPH, META_LOSS, ONNX_PRODUCER } from './onnxExport';
import { decodeOnnxModel, ONNX_FLOAT, type OnnxModel, type OnnxNode } from './onnxSchema';
import { constantNodeValue, NodeAttributes, shortestFloat32, tensorValues, type ConstantTensor } from './onnxValues';

export interface ImportProblem {
  /** The ONNX node's name (or "#index" when it has none), or the tensor's / graph's name. */
  node: string;
  opType: string;
  problem: string;
}

export class OnnxImportError extends Error {
  /** The message without the source: "not imported, N problems: ...". */
  readonly detail: string;

  constructor(
    readonly source: string,
    readonly problems: ImportProblem[],
  ) {
    const detail = `not imported, ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.map((p) => `${p.opType ? `${p.opType} ` : ''}node "${p.node}": ${p.problem}`).join('; ')}`;
    super(`${source}: ${detail}`);
    this.detail = detail;
    this.name = 'OnnxImportError';
  }
}

export const SUPPORTED_OPS = [
  'Conv', 'MaxPool', 'AveragePool', 'GlobalMaxPool', 'GlobalAveragePool', 'Relu', 'LeakyRelu', 'Tanh', 'Sigmoid', 'Flatten', 'Reshape', 'Transpose',
  'Gemm', 'MatMul', 'Add', 'Sub', 'Mul', 'Div', 'Softmax', 'LogSoftmax', 'Pad', 'Identity', 'Dropout', 'Constant',
] as const;

type Layer =
  | { kind: 'conv'; name: string; W: Float64Array; b: Float64Array; filters: number; size: number; stride: number; padding: number; activation: ActivationKind; leak: number }
  | { kind: 'pool'; name: string; mode: PoolMode; size: number; stride: number }
  | { kind: 'activation'; name: string; activation: ActivationKind; leak: number }
  | { kind: 'fc'; name: string; W: Float64Array; b: Float64Array; units: number; activation: ActivationKind; leak: number; biasOpen: boolean };

interface PreprocessingParts {
  offset: number;
  scale: number;
  /** 'scale' until a mean is subtracted, then 'std', then 'done'. */
  stage: 'offset' | 'scale' | 'std' | 'done';
  mean: { perPixel: boolean; values: number[] } | null;
  std: { perPixel: boolean; values: number[] } | null;
  seen: boolean;
}

const ACTIVATION_OF: Record<string, ActivationKind> = { Relu: 'relu', LeakyRelu: 'leaky_relu', Tanh: 'tanh', Sigmoid: 'sigmoid' };

/** Walks the chain of an ONNX graph, building layers; collects every problem instead of stopping at the first. */
class ChainImporter {
  readonly problems: ImportProblem[] = [];
  readonly layers: Layer[] = [];
  readonly pre: PreprocessingParts = { offset: 0, scale: 1, stage: 'offset', mean: null, std: null, seen: false };
  softmax = false;
  /** Shape of the tensor on the chain, as the vector form sees it (an fc keeps the image shape it flattens). */
  shape: Shape;
  rank: 2 | 4;
  /** Transpose [0,3,2,1] seen: the next Flatten gives vec order. */
  transposed = false;
  /** The last flatten put an image in NCHW order (not vec order) and no fc has consumed it yet. */
  nchwFlattenPending = false;
  /** Zero padding from a Pad node, for the Conv that must come next. */
  pendingPad = 0;
  private listingOnly = false;

  constructor(
    private readonly constants: Map<string, ConstantTensor>,
    private readonly fromWorkbench: boolean,
    input: Shape,
    inputRank: 2 | 4,
  ) {
    this.shape = input;
    this.rank = inputRank;
  }

  private fail(node: OnnxNode, index: number, problem: string): void {
    this.problems.push({ node: node.name || `#${index}`, opType: node.opType, problem });
    this.listingOnly = true;
  }

  private constant(node: OnnxNode, index: number, inputIndex: number, what: string): ConstantTensor | null {
    const name = node.input[inputIndex];
    const c = name ? this.constants.get(name) : undefined;
    if (!c) {
      this.fail(node, index, `its ${what} ("${name ?? ''}") is not a constant (initialiser or Constant node)`);
      return null;
    }
    return c;
  }

  /** Handles one node whose data input is the chain's current tensor. */
  visit(node: OnnxNode, index: number, isLast: boolean): void {
    if (!(SUPPORTED_OPS as readonly string[]).includes(node.opType) || (node.domain && node.domain !== 'ai.onnx')) {
      this.problems.push({ node: node.name || `#${index}`, opType: node.opType, problem: `operator ${node.domain ? `${node.domain}.` : ''}${node.opType} is not supported` });
      this.listingOnly = true;
      return;
    }
    if (this.listingOnly) return;
    const attrs = new NodeAttributes(node);
    if (this.pendingPad > 0 && node.opType !== 'Conv') return this.fail(node, index, 'follows a Pad; only a Conv may take padding');
    switch (node.opType) {
      case 'Identity':
      case 'Dropout':
        return;
      case 'Conv':
        return this.conv(node, index, attrs);
      case 'Pad':
        return this.pad(node, index, attrs);
      case 'MaxPool':
      case 'AveragePool':
        return this.pool(node, index, attrs, node.opType === 'MaxPool' ? 'max' : 'avg');
      case 'GlobalMaxPool':
      case 'GlobalAveragePool':
        return this.globalPool(node, index, node.opType === 'GlobalMaxPool' ? 'max' : 'avg');
      case 'Relu':
      case 'LeakyRelu':
      case 'Tanh':
      case 'Sigmoid':
        return this.activation(node, index, attrs);
      case 'Flatten':
        if (attrs.int('axis', 1) !== 1) return this.fail(node, index, `axis ${attrs.int('axis', 1)}: only axis 1 (keep the batch dimension) is supported`);
        return this.flatten();
      case 'Reshape':
        return this.reshape(node, index);
      case 'Transpose': {
        const perm = attrs.ints('perm');
        if (this.rank !== 4 || !perm || perm.join(',') !== '0,3,2,1') return this.fail(node, index, `perm ${JSON.stringify(perm)}: only [0,3,2,1] before a Flatten (the vector form's vec order) is supported`);
        this.transposed = true;
        return;
      }
      case 'Gemm':
        return this.gemm(node, index, attrs);
      case 'MatMul':
        return this.matmul(node, index);
      case 'Add':
      case 'Sub':
      case 'Mul':
      case 'Div':
        return this.elementwise(node, index);
      case 'Softmax':
      case 'LogSoftmax': {
        const axis = attrs.int('axis', -1);
        if (!isLast) return this.fail(node, index, `${node.opType} is only supported at the end of the network (the softmax cross-entropy loss)`);
        if (this.rank !== 2 || (axis !== 1 && axis !== -1)) return this.fail(node, index, `${node.opType} over axis ${axis} of a rank-${this.rank} tensor: only over the class scores (axis 1 of N x classes)`);
        this.softmax = true;
        return;
      }
      case 'Constant':
        return this.fail(node, index, 'a Constant node cannot take the network input');
    }
  }

  private notAfterTranspose(node: OnnxNode, index: number): boolean {
    if (this.transposed) this.fail(node, index, 'follows a Transpose; only a Flatten may follow Transpose [0,3,2,1]');
    return this.transposed;
  }

  private needImage(node: OnnxNode, index: number): boolean {
    if (this.rank === 4) return true;
    if (this.shape.a === 1 && this.shape.b === 1) {
      this.rank = 4;
      this.nchwFlattenPending = false;
      return true; // a vector is a 1x1 image (ONNX needs a Reshape for that, which came before)
    }
    this.fail(node, index, 'needs an N x C x H x W input');
    return false;
  }

  private conv(node: OnnxNode, index: number, attrs: NodeAttributes): void {
    if (this.notAfterTranspose(node, index) || !this.needImage(node, index)) return;
    const W = this.constant(node, index, 1, 'weight');
    if (!W) return;
    const bias = node.input[2] ? this.constant(node, index, 2, 'bias') : null;
    if (node.input[2] && !bias) return;
    const [filters, inChannels, kh, kw] = W.dims;
    const bad: string[] = [];
    if (W.dims.length !== 4) bad.push(`weight has dims ${W.dims.join('x')}, expected filters x channels x h x h`);
    else {
      if (kh !== kw) bad.push(`kernel ${kh}x${kw} is not square`);
      if (inChannels !== this.shape.d) bad.push(`weight expects ${inChannels} input channels, the input has ${this.shape.d}`);
    }
    if (attrs.int('group', 1) !== 1) bad.push(`group ${attrs.int('group', 1)} (grouped / depthwise convolution) is not supported`);
    const dilations = attrs.ints('dilations');
    if (dilations && dilations.some((v) => v !== 1)) bad.push(`dilations ${JSON.stringify(dilations)} are not supported`);
    const strides = attrs.ints('strides') ?? [1, 1];
    if (strides.length !== 2 || strides[0] !== strides[1]) bad.push(`strides ${JSON.stringify(strides)}: the stride must be the same in both directions`);
    const pads = attrs.ints('pads') ?? [0, 0, 0, 0];
    if (pads.length !== 4 || pads.some((p) => p !== pads[0])) bad.push(`pads ${JSON.stringify(pads)}: the padding must be the same on every side`);
    const autoPad = attrs.string('auto_pad') ?? 'NOTSET';
    if (autoPad !== 'NOTSET' && autoPad !== 'VALID' && autoPad !== '') bad.push(`auto_pad ${autoPad} is not supported: give explicit pads`);
    const kernel = attrs.ints('kernel_shape');
    if (kernel && (kernel[0] !== kh || kernel[1] !== kw)) bad.push(`kernel_shape ${JSON.stringify(kernel)} does not match the weight`);
    if (bias && bias.values.length !== filters) bad.push(`bias has ${bias.values.length} values for ${filters} filters`);
    if (bad.length > 0) return this.fail(node, index, bad.join('; '));
    const h = kh;
    const padding = (autoPad === 'VALID' ? 0 : pads[0]) + this.pendingPad;
    this.pendingPad = 0;
    const a = slidingOutputSize(this.shape.a, h, strides[0], padding);
    const b = slidingOutputSize(this.shape.b, h, strides[0], padding);
    if (a < 1 || b < 1) return this.fail(node, index, `a ${h}x${h} kernel does not fit its ${this.shape.a}x${this.shape.b} input with padding ${padding}`);
    this.layers.push({
      kind: 'conv',
      name: node.name || `conv${index}`,
      W: oihwToConvWeight(W.values, filters, inChannels, h),
      b: bias ? Float64Array.from(bias.values) : new Float64Array(filters),
      filters,
      size: h,
      stride: strides[0],
      padding,
      activation: 'linear',
      leak: 0.01,
    });
    this.shape = { d: filters, a, b };
  }

  /** Pad of zeros: none at all (PyTorch writes one before AvgPool2d), or the same on every side of the image before a Conv. */
  private pad(node: OnnxNode, index: number, attrs: NodeAttributes): void {
    const mode = attrs.string('mode') ?? 'constant';
    const pads = node.input[1] ? this.constant(node, index, 1, 'pads') : null;
    if (node.input[1] && !pads) return;
    const list = pads ? Array.from(pads.values) : (attrs.ints('pads') ?? []);
    const value = node.input[2] ? this.constant(node, index, 2, 'constant value') : null;
    if (node.input[2] && !value) return;
    const fill = value ? value.values[0] : attrs.float('value', 0);
    if (list.every((p) => p === 0)) return;
    const spatial = this.rank === 4 && list.length === 8 ? [list[2], list[3], list[6], list[7]] : [];
    const zeroOuter = list.length === 8 && list[0] === 0 && list[1] === 0 && list[4] === 0 && list[5] === 0;
    if (mode !== 'constant' || fill !== 0 || !zeroOuter || spatial.some((p) => p !== spatial[0]) || spatial[0] < 0)
      return this.fail(node, index, `pads ${JSON.stringify(list)} (${mode}, value ${fill}): only zero padding, the same on every side of the image, before a Conv is supported`);
    this.pendingPad = spatial[0];
  }

  private pool(node: OnnxNode, index: number, attrs: NodeAttributes, mode: PoolMode): void {
    if (this.notAfterTranspose(node, index) || !this.needImage(node, index)) return;
    const bad: string[] = [];
    const kernel = attrs.ints('kernel_shape') ?? [];
    if (kernel.length !== 2 || kernel[0] !== kernel[1]) bad.push(`kernel_shape ${JSON.stringify(kernel)}: the window must be square`);
    const strides = attrs.ints('strides') ?? [1, 1];
    if (strides.length !== 2 || strides[0] !== strides[1]) bad.push(`strides ${JSON.stringify(strides)}: the stride must be the same in both directions`);
    const pads = attrs.ints('pads') ?? [0, 0, 0, 0];
    if (pads.some((p) => p !== 0)) bad.push(`pads ${JSON.stringify(pads)}: pooling with padding is not supported`);
    if (attrs.int('ceil_mode', 0) !== 0) bad.push('ceil_mode 1 is not supported (the vector form rounds down)');
    const dilations = attrs.ints('dilations');
    if (dilations && dilations.some((v) => v !== 1)) bad.push(`dilations ${JSON.stringify(dilations)} are not supported`);
    const autoPad = attrs.string('auto_pad') ?? 'NOTSET';
    if (autoPad !== 'NOTSET' && autoPad !== 'VALID' && autoPad !== '') bad.push(`auto_pad ${autoPad} is not supported`);
    if (bad.length > 0) return this.fail(node, index, bad.join('; '));
    this.addPool(node, index, mode, kernel[0], strides[0]);
  }

  private globalPool(node: OnnxNode, index: number, mode: PoolMode): void {
    if (this.notAfterTranspose(node, index) || !this.needImage(node, index)) return;
    if (this.shape.a !== this.shape.b) return this.fail(node, index, `a global pool over a ${this.shape.a}x${this.shape.b} input: the vector form's pool window is square`);
    this.addPool(node, index, mode, this.shape.a, this.shape.a);
  }

  private addPool(node: OnnxNode, index: number, mode: PoolMode, size: number, stride: number): void {
    if (size > this.shape.a || size > this.shape.b) return this.fail(node, index, `window ${size}x${size} is larger than its ${this.shape.a}x${this.shape.b} input`);
    this.layers.push({ kind: 'pool', name: node.name || `pool${index}`, mode, size, stride });
    this.shape = { d: this.shape.d, a: slidingOutputSize(this.shape.a, size, stride), b: slidingOutputSize(this.shape.b, size, stride) };
  }

  private activation(node: OnnxNode, index: number, attrs: NodeAttributes): void {
    if (this.notAfterTranspose(node, index)) return;
    const activation = ACTIVATION_OF[node.opType];
    const leak = node.opType === 'LeakyRelu' ? attrs.float('alpha', 0.01) : 0.01;
    if (leak < 0 || leak >= 1) return this.fail(node, index, `alpha ${leak}: the leak must be in [0, 1)`);
    const prev = this.layers[this.layers.length - 1];
    // The workbench names a fused activation "<layer>/<function>"; from other tools every activation right after a layer is fused.
    const fuse = prev && (prev.kind === 'conv' || prev.kind === 'fc') && prev.activation === 'linear' && (!this.fromWorkbench || node.name === `${prev.name}/${activation}`);
    if (fuse) {
      prev.activation = activation;
      prev.leak = leak;
      if (prev.kind === 'fc') prev.biasOpen = false;
      return;
    }
    this.layers.push({ kind: 'activation', name: node.name || `act${index}`, activation, leak });
  }

  private flatten(): void {
    if (this.rank === 2) return;
    this.rank = 2;
    this.nchwFlattenPending = !this.transposed && (this.shape.a > 1 || this.shape.b > 1);
    this.transposed = false;
  }

  private reshape(node: OnnxNode, index: number): void {
    const target = this.constant(node, index, 1, 'shape');
    if (!target) return;
    const dims = Array.from(target.values);
    const size = shapeSize(this.shape);
    const batchOk = (v: number) => v === 0 || v === -1 || v > 0;
    if (dims.length === 2 && batchOk(dims[0]) && (dims[1] === size || dims[1] === -1)) return this.flatten();
    if (this.rank === 2 && !this.transposed && dims.length === 4 && batchOk(dims[0]) && dims[1] === size && dims[2] === 1 && dims[3] === 1) {
      if (this.nchwFlattenPending) return this.fail(node, index, 'reshapes a flattened image back into a 1x1 image: not supported');
      this.shape = { d: size, a: 1, b: 1 };
      this.rank = 4;
      return;
    }
    this.fail(node, index, `shape ${JSON.stringify(dims)}: only a flatten to N x ${size}, or N x ${size} to N x ${size} x 1 x 1, is supported`);
  }

  private fc(node: OnnxNode, index: number, rowsUK: Float64Array, units: number, K: number, bias: Float64Array, biasOpen: boolean): void {
    const size = shapeSize(this.shape);
    if (K !== size) return this.fail(node, index, `weight expects ${K} inputs, the input has ${size} (${this.shape.d}x${this.shape.a}x${this.shape.b})`);
    // Columns of rowsUK follow the NCHW flatten of the image (or vec order after Transpose [0,3,2,1], the same as NCHW for a 1x1 image).
    const W = this.nchwFlattenPending ? nchwRowsToFcWeight(rowsUK, units, this.shape) : nchwRowsToFcWeight(rowsUK, units, { d: size, a: 1, b: 1 });
    this.layers.push({ kind: 'fc', name: node.name || `fc${index}`, W, b: bias, units, activation: 'linear', leak: 0.01, biasOpen });
    this.shape = { d: units, a: 1, b: 1 };
    this.nchwFlattenPending = false;
  }

  private needMatrix(node: OnnxNode, index: number): boolean {
    if (this.rank === 2) return true;
    this.fail(node, index, 'needs an N x K input: put a Flatten before it');
    return false;
  }

  private gemm(node: OnnxNode, index: number, attrs: NodeAttributes): void {
    if (!this.needMatrix(node, index)) return;
    const B = this.constant(node, index, 1, 'weight (B)');
    if (!B) return;
    const C = node.input[2] ? this.constant(node, index, 2, 'bias (C)') : null;
    if (node.input[2] && !C) return;
    if (attrs.int('transA', 0) !== 0) return this.fail(node, index, 'transA 1 is not supported');
    if (B.dims.length !== 2) return this.fail(node, index, `weight has dims ${B.dims.join('x')}, expected a matrix`);
    const transB = attrs.int('transB', 0) === 1;
    const [units, K] = transB ? B.dims : [B.dims[1], B.dims[0]];
    const alpha = attrs.float('alpha', 1);
    const beta = attrs.float('beta', 1);
    const rows = new Float64Array(units * K);
    for (let u = 0; u < units; u++) for (let k = 0; k < K; k++) rows[u * K + k] = alpha * (transB ? B.values[u * K + k] : B.values[k * units + u]);
    let bias = new Float64Array(units);
    if (C) {
      if (C.values.length !== units && C.values.length !== 1) return this.fail(node, index, `bias has ${C.values.length} values for ${units} units`);
      bias = Float64Array.from({ length: units }, (_, u) => beta * C.values[C.values.length === 1 ? 0 : u]);
    }
    this.fc(node, index, rows, units, K, bias, false);
  }

  private matmul(node: OnnxNode, index: number): void {
    if (!this.needMatrix(node, index)) return;
    const B = this.constant(node, index, 1, 'weight');
    if (!B) return;
    if (B.dims.length !== 2) return this.fail(node, index, `weight has dims ${B.dims.join('x')}, expected K x units`);
    const [K, units] = B.dims;
    const rows = new Float64Array(units * K);
    for (let u = 0; u < units; u++) for (let k = 0; k < K; k++) rows[u * K + k] = B.values[k * units + u];
    this.fc(node, index, rows, units, K, new Float64Array(units), true);
  }

  /** Add as the bias of a MatMul; Sub / Mul / Div before the first layer as the preprocessing. */
  private elementwise(node: OnnxNode, index: number): void {
    const prev = this.layers[this.layers.length - 1];
    const constIndex = node.opType === 'Sub' || node.opType === 'Div' ? 1 : this.constants.has(node.input[1]) ? 1 : 0;
    const c = this.constant(node, index, constIndex, 'second operand');
    if (!c) return;
    if (node.opType === 'Add' && prev?.kind === 'fc' && prev.biasOpen) {
      if (c.values.length !== prev.units) return this.fail(node, index, `adds ${c.values.length} values to ${prev.units} units`);
      prev.b = Float64Array.from(c.values);
      prev.biasOpen = false;
      return;
    }
    if (this.layers.length > 0 || node.opType === 'Add' || this.rank !== 4) {
      return this.fail(node, index, `${node.opType} with a constant is only supported as preprocessing before the first layer (Sub offset, Mul scale, Sub mean, Div std) or as the bias after a MatMul`);
    }
    this.preprocessingStep(node, index, c);
  }

  private preprocessingStep(node: OnnxNode, index: number, c: ConstantTensor): void {
    const pre = this.pre;
    pre.seen = true;
    const { d, a, b } = this.shape;
    const scalar = c.values.length === 1;
    const dims = c.dims.filter((v, i) => !(i === 0 && v === 1 && c.dims.length === 4));
    const perChannel = !scalar && dims.length === 3 && dims[0] === d && dims[1] === 1 && dims[2] === 1;
    const perPixel = !scalar && dims.length === 3 && dims[0] === d && dims[1] === a && dims[2] === b;
    const grouped = (): { perPixel: boolean; values: number[] } | null => {
      if (scalar) return { perPixel: false, values: new Array<number>(d).fill(c.values[0]) };
      if (perChannel) return { perPixel: false, values: Array.from(c.values) };
      if (perPixel) return { perPixel: true, values: Array.from(nchwToVec(c.values, this.shape, 1)) };
      return null;
    };
    const op = node.opType;
    if (op === 'Sub' && scalar && pre.stage === 'offset' && !perPixel) {
      pre.offset = c.values[0];
      pre.stage = 'scale';
      return;
    }
    if ((op === 'Mul' || op === 'Div') && scalar && (pre.stage === 'offset' || pre.stage === 'scale')) {
      if (op === 'Div' && c.values[0] === 0) return this.fail(node, index, 'divides by 0');
      pre.scale *= op === 'Mul' ? c.values[0] : 1 / c.values[0];
      pre.stage = 'scale';
      return;
    }
    if (op === 'Sub' && pre.stage !== 'std' && pre.stage !== 'done') {
      const mean = grouped();
      if (!mean) return this.fail(node, index, `subtracts a constant of dims ${c.dims.join('x')}: expected a scalar, 1x${d}x1x1 or 1x${d}x${a}x${b}`);
      pre.mean = mean;
      pre.stage = 'std';
      return;
    }
    if (op === 'Div' && pre.stage === 'std') {
      const std = grouped();
      if (!std) return this.fail(node, index, `divides by a constant of dims ${c.dims.join('x')}: expected a scalar, 1x${d}x1x1 or 1x${d}x${a}x${b}`);
      if (std.values.some((v) => !(v > 0))) return this.fail(node, index, 'divides by values that are not all positive (a standard deviation is)');
      pre.std = std;
      pre.stage = 'done';
      return;
    }
    this.fail(node, index, `${op} here does not fit the preprocessing ((x - offset) * scale - mean) / std`);
  }

  /** The preprocessing collected from the leading Sub / Mul / Div nodes, or undefined when there were none. */
  preprocessing(input: Shape): Preprocessing | undefined {
    const pre = this.pre;
    if (!pre.seen) return undefined;
    const identity = pre.offset === 0 && pre.scale === 1 && (pre.mean?.values ?? []).every((v) => v === 0) && (pre.std?.values ?? []).every((v) => v === 1);
    if (identity) return undefined; // e.g. PyTorch's export of an unfitted Preprocess module
    let mean = pre.mean;
    let std = pre.std;
    const size = shapeSize(input);
    const expand = (g: { perPixel: boolean; values: number[] }) => (g.perPixel ? g.values : Array.from({ length: size }, (_, v) => g.values[v % input.d]));
    if (mean && std && mean.perPixel !== std.perPixel) {
      mean = { perPixel: true, values: expand(mean) };
      std = { perPixel: true, values: expand(std) };
    }
    // The constants were float32: write the shortest decimals that are the same float32 values.
    return {
      format: 'cnnwb-preprocessing',
      version: 1,
      shape: { ...input },
      offset: shortestFloat32(pre.offset),
      scale: shortestFloat32(pre.scale),
      mean: mean ? (mean.perPixel ? 'per-pixel' : 'per-channel') : 'none',
      meanValues: mean ? mean.values.map(shortestFloat32) : [],
      standardize: std !== null,
      stdValues: std ? std.values.map(shortestFloat32) : [],
    };
  }
}

function inputShape(model: OnnxModel, constants: Map<string, ConstantTensor>, problems: ImportProblem[]): { name: string; shape: Shape; rank: 2 | 4 } | null {
  const graphName = model.graph?.name || 'graph';
  const inputs = (model.graph?.input ?? []).filter((i) => !constants.has(i.name));
  if (inputs.length !== 1) {
    problems.push({ node: graphName, opType: '', problem: `the graph has ${inputs.length} inputs (${inputs.map((i) => `"${i.name}"`).join(', ')}); the workbench takes exactly one` });
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
    problems.push({ node: input.name, opType: 'input', problem: `input shape [${shown}]: expected N x C x H x W or N x K with fixed C, H, W (K)` });
    return null;
  }
  const shape = dims.length === 4 ? { d: fixed[0]!, a: fixed[1]!, b: fixed[2]! } : { d: fixed[0]!, a: 1, b: 1 };
  return { name: input.name, shape, rank: dims.length === 4 ? 4 : 2 };
}

/** Turns a name into a graph node id: letters, digits, '_', '-', '.'; unique among `taken`. */
function nodeId(name: string, fallback: string, taken: Set<string>): string {
  const base = name.replace(/^\/+/, '').replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '') || fallback;
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
export function importOnnx(bytes: Uint8Array, source = 'model.onnx'): LoadedModel {
  let model: OnnxModel;
  try {
    model = decodeOnnxModel(bytes);
  } catch (e) {
    throw new OnnxImportError(source, [{ node: source, opType: '', problem: `not an ONNX model (${(e as Error).message})` }]);
  }
  const problems: ImportProblem[] = [];
  if (!model.graph) throw new OnnxImportError(source, [{ node: source, opType: '', problem: 'not an ONNX model (it has no graph)' }]);
  const opset = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  if (opset && Number(opset.version) < 7) problems.push({ node: model.graph.name || 'graph', opType: '', problem: `opset ${opset.version} is older than 7` });
  const nodes = model.graph.node ?? [];

  const constants = new Map<string, ConstantTensor>();
  for (const t of model.graph.initializer ?? []) {
    const v = tensorValues(t);
    if (typeof v === 'string') problems.push({ node: t.name ?? '', opType: 'initializer', problem: v });
    else constants.set(t.name ?? '', v);
  }
  nodes.forEach((n, i) => {
    if (n.opType !== 'Constant') return;
    const v = constantNodeValue(n);
    if (typeof v === 'string') problems.push({ node: n.name || `#${i}`, opType: n.opType, problem: v });
    else constants.set(n.output[0], v);
  });

  const input = inputShape(model, constants, problems);
  const meta = readMetadata(model);
  const fromWorkbench = model.producerName === ONNX_PRODUCER;
  const importer = new ChainImporter(constants, fromWorkbench, input?.shape ?? { d: 1, a: 1, b: 1 }, input?.rank ?? 4);

  // consumers: the non-Constant nodes that read a tensor that is not a constant
  const consumers = new Map<string, number[]>();
  nodes.forEach((n, i) => {
    if (n.opType === 'Constant') return;
    for (const t of new Set(n.input)) if (t && !constants.has(t)) (consumers.get(t) ?? consumers.set(t, []).get(t)!).push(i);
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
  const preprocessing = importer.preprocessing(input);
  if (preprocessing) modelFile.preprocessing = preprocessing;
  try {
    return loadModel(modelFile);
  } catch (e) {
    if (e instanceof ModelFormatError) throw new OnnxImportError(source, [{ node: e.where, opType: '', problem: e.problem }]);
    throw e;
  }
}
