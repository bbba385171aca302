/**
 * Walks the chain of an ONNX graph node by node (see onnxImport.ts for what each operator becomes),
 * building the workbench's layers with their weights in the vector form's layout. Every problem is
 * collected; after the first one the walk only lists further unsupported operators.
 */
import type { ActivationKind, PoolMode } from '../graph/format';
import { shapeSize, slidingOutputSize, type Shape } from '../graph/shape';
import { nchwRowsToFcWeight, oihwToConvWeight } from './layout';
import { PreprocessingMatcher, type PreprocessingPart } from './onnxPreprocessingMatch';
import type { OnnxNode } from './onnxSchema';
import { NodeAttributes, type ConstantTensor } from './onnxValues';

export interface ImportProblem {
  /** The ONNX node's name (or "#index" when it has none), or the tensor's / graph's name. */
  node: string;
  opType: string;
  problem: string;
}

export const SUPPORTED_OPS = [
  'Conv', 'MaxPool', 'AveragePool', 'GlobalMaxPool', 'GlobalAveragePool', 'Relu', 'LeakyRelu', 'Tanh', 'Sigmoid', 'Flatten', 'Reshape', 'Transpose',
  'Gemm', 'MatMul', 'Add', 'Sub', 'Mul', 'Div', 'Softmax', 'LogSoftmax', 'Pad', 'Identity', 'Dropout', 'Constant',
] as const;

export type Layer =
  | { kind: 'conv'; name: string; W: Float64Array; b: Float64Array; filters: number; size: number; stride: number; padding: number; activation: ActivationKind; leak: number }
  | { kind: 'pool'; name: string; mode: PoolMode; size: number; stride: number }
  | { kind: 'activation'; name: string; activation: ActivationKind; leak: number }
  | { kind: 'fc'; name: string; W: Float64Array; b: Float64Array; units: number; activation: ActivationKind; leak: number; biasOpen: boolean };

const ACTIVATION_OF = new Map<string, ActivationKind>([['Relu', 'relu'], ['LeakyRelu', 'leaky_relu'], ['Tanh', 'tanh'], ['Sigmoid', 'sigmoid']]);

/** Walks the chain of an ONNX graph, building layers; collects every problem instead of stopping at the first. */
export class ChainImporter {
  readonly problems: ImportProblem[] = [];
  readonly layers: Layer[] = [];
  readonly pre: PreprocessingMatcher;
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
    /** Initialisers already reported as unreadable: a node reading one is not reported again. */
    private readonly unreadable: ReadonlySet<string> = new Set(),
  ) {
    this.shape = input;
    this.rank = inputRank;
    this.pre = new PreprocessingMatcher(input);
  }

  private fail(node: OnnxNode, index: number, problem: string): void {
    this.problems.push({ node: node.name || `#${index}`, opType: node.opType, problem });
    this.listingOnly = true;
  }

  private constant(node: OnnxNode, index: number, inputIndex: number, what: string): ConstantTensor | null {
    const name = node.input[inputIndex];
    const c = name ? this.constants.get(name) : undefined;
    if (!c && this.unreadable.has(name)) {
      this.listingOnly = true;
      return null;
    }
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
    const activation = ACTIVATION_OF.get(node.opType);
    if (activation === undefined) return this.fail(node, index, `operator ${node.opType} is not an activation`);
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
    const named = this.fromWorkbench ? /^preprocess\/(offset|scale|mean|std)$/.exec(node.name ?? '') : null;
    const problem = this.pre.step(node.opType, c, named ? (named[1] as PreprocessingPart) : null);
    if (problem) this.fail(node, index, problem);
  }
}
