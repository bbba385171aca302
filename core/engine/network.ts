/**
 * A compiled network on a compute backend: the chain of layers with every buffer planned once for
 * `batchCapacity` instances, the objective
 *
 *   f(theta) = 1/(2C) theta^T theta + (1/l) sum_i xi(z^{L+1,i}; y^i)
 *
 * and its gradient by the backward pass. Larger batches are processed in chunks of batchCapacity,
 * accumulating the gradient, so memory is bounded by the capacity.
 */
import type { ComputeBackend, FloatArray, Tensor } from '../compute/backend';
import type { LayerSpec, NetworkSpec } from '../graph/compile';
import { Random } from '../util/random';
import { ActivationLayer } from './activation';
import { createConvolutionLayer } from './convolution';
import { createFullyConnectedLayer } from './fullyConnected';
import type { EngineLayer, Parameter } from './layer';
import { lossAndGradient } from './loss';
import { PoolingLayer } from './pooling';
import { shapeSize } from '../graph/shape';
import { estimateMemory, MemoryLimitError, memoryProblem } from '../graph/memory';
import { nodeLabel } from '../graph/format';
import { defaultMemoryLimit, type MemoryLimit } from './memoryLimit';

export interface NetworkOptions {
  /** Instances per forward/backward chunk: every buffer is sized for this many. */
  batchCapacity: number;
  /** Refuse (MemoryLimitError, before allocating) a network whose buffers need more; default defaultMemoryLimit(). */
  memoryLimit?: MemoryLimit;
}

export interface ObjectiveValue {
  /** f: the regularisation term plus the mean loss */
  f: number;
  /** (1/count) sum_i xi_i */
  meanLoss: number;
  /** instances classified correctly */
  correct: number;
}

/** One parameter tensor's values on the host, column-major (W: rows = output channels). */
export interface ParameterValues {
  layerId: string;
  name: 'W' | 'b';
  rows: number;
  cols: number;
  values: FloatArray;
}

function createLayer(spec: LayerSpec, backend: ComputeBackend, capacity: number): EngineLayer {
  switch (spec.kind) {
    case 'conv':
      return createConvolutionLayer(spec, backend, capacity);
    case 'fc':
      return createFullyConnectedLayer(spec, backend, capacity);
    case 'pool':
      return new PoolingLayer(spec, backend, capacity);
    case 'activation':
      return new ActivationLayer(spec, backend, capacity);
  }
}

export class Network {
  readonly layers: EngineLayer[];
  readonly parameters: Parameter[];
  /** Values per instance of the input, d a b. */
  readonly inputSize: number;
  readonly classes: number;
  readonly capacity: number;
  /** Total number of parameters (the length of theta). */
  readonly parameterCount: number;
  private readonly input: Tensor;
  private readonly dOut: Tensor;
  private readonly vHost: Float64Array;
  /** z^{L+1} of the current chunk on the host, reused by every step. */
  private readonly zHost: Float64Array;
  /** needsInputGradient[m]: some layer below m has parameters, so dxi/dZ^m must be computed. */
  private readonly needsInputGradient: boolean[];

  constructor(
    readonly spec: NetworkSpec,
    readonly backend: ComputeBackend,
    options: NetworkOptions,
  ) {
    if (!(options.batchCapacity >= 1)) throw new Error(`Network: batchCapacity must be >= 1 (got ${options.batchCapacity})`);
    this.capacity = Math.floor(options.batchCapacity);
    checkNetworkMemory(spec, this.capacity, backend, options.memoryLimit ?? defaultMemoryLimit());
    this.inputSize = shapeSize(spec.input);
    this.classes = spec.classes;
    this.layers = spec.layers.map((l) => createLayer(l, backend, this.capacity));
    this.parameters = this.layers.flatMap((l) => l.parameters);
    this.parameterCount = this.parameters.reduce((n, p) => n + p.length, 0);
    this.input = backend.allocate(this.inputSize * this.capacity);
    this.dOut = backend.allocate(this.classes * this.capacity);
    this.vHost = new Float64Array(this.classes * this.capacity);
    this.zHost = new Float64Array(this.classes * this.capacity);
    this.needsInputGradient = this.layers.map((_, m) => this.layers.slice(0, m).some((l) => l.parameters.length > 0));
  }

  /**
   * He initialisation from a seeded generator: W^m ~ N(0, 2/K) with K = h h d^m (n^m for a
   * fully-connected layer), drawn layer after layer in column-major order; b^m = 0.
   */
  initialize(seed: number): void {
    const random = new Random(seed);
    for (const p of this.parameters) {
      const values = new Float64Array(p.length);
      if (p.name === 'W') {
        const std = Math.sqrt(2 / p.cols);
        for (let j = 0; j < p.length; j++) values[j] = random.normal() * std;
      }
      this.backend.write(p.value, values);
    }
  }

  getParameters(): ParameterValues[] {
    return this.parameters.map((p) => ({ layerId: p.layerId, name: p.name, rows: p.rows, cols: p.cols, values: this.backend.read(p.value, p.length) }));
  }

  getGradients(): ParameterValues[] {
    return this.parameters.map((p) => ({ layerId: p.layerId, name: p.name, rows: p.rows, cols: p.cols, values: this.backend.read(p.grad, p.length) }));
  }

  setParameters(values: readonly ParameterValues[]): void {
    if (values.length !== this.parameters.length) throw new Error(`setParameters: expected ${this.parameters.length} tensors, got ${values.length}`);
    this.parameters.forEach((p, i) => {
      const v = values[i];
      if (v.layerId !== p.layerId || v.name !== p.name || v.values.length !== p.length)
        throw new Error(`setParameters: tensor ${i} should be ${p.layerId}.${p.name} with ${p.length} values, got ${v.layerId}.${v.name} with ${v.values.length}`);
      this.backend.write(p.value, v.values);
    });
  }

  /** Runs the forward pass on `count` <= capacity instances (vec layout, count * inputSize values). */
  forward(x: FloatArray, count: number): Tensor {
    this.checkChunk(x, count);
    this.backend.write(this.input, x.length === count * this.inputSize ? x : x.subarray(0, count * this.inputSize));
    let Z = this.input;
    for (const layer of this.layers) Z = layer.forward(Z, count);
    return Z;
  }

  /** The scores z^{L+1} (classes x count) for `count` <= capacity instances, on the host. */
  scores(x: FloatArray, count: number): FloatArray {
    return this.backend.read(this.forward(x, count), this.classes * count);
  }

  /** The scores of a chunk into the reused host buffer (valid until the next chunk). */
  private chunkScores(x: FloatArray, count: number): Float64Array {
    const z = count === this.capacity ? this.zHost : this.zHost.subarray(0, count * this.classes);
    this.backend.readInto(this.forward(x, count), z);
    return z;
  }

  /** (1/(2C)) theta^T theta, or 0 without a regulariser. */
  regularizationTerm(): number {
    const C = this.spec.C;
    if (C === null) return 0;
    let sum = 0;
    for (const p of this.parameters) sum += this.backend.dot(p.value, p.value, p.length);
    return sum / (2 * C);
  }

  /** f and the mean loss on a batch, without gradients. */
  evaluate(x: FloatArray, labels: ArrayLike<number>, count: number): ObjectiveValue {
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < count; start += this.capacity) {
      const n = Math.min(this.capacity, count - start);
      const z = this.chunkScores(x.subarray(start * this.inputSize, (start + n) * this.inputSize), n);
      const sums = lossAndGradient(this.spec.loss, z, subLabels(labels, start, n), n, this.classes, 1, null);
      lossSum += sums.lossSum;
      correct += sums.correct;
    }
    const meanLoss = lossSum / count;
    return { f: this.regularizationTerm() + meanLoss, meanLoss, correct };
  }

  /**
   * f on the batch and its gradient in every parameter's grad tensor:
   * (1/C) theta + (1/count) sum_i dxi_i/dtheta.
   */
  objectiveAndGradient(x: FloatArray, labels: ArrayLike<number>, count: number): ObjectiveValue {
    if (count < 1) throw new Error('objectiveAndGradient: empty batch');
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < count; start += this.capacity) {
      const n = Math.min(this.capacity, count - start);
      const z = this.chunkScores(x.subarray(start * this.inputSize, (start + n) * this.inputSize), n);
      const sums = lossAndGradient(this.spec.loss, z, subLabels(labels, start, n), n, this.classes, 1 / count, this.vHost);
      lossSum += sums.lossSum;
      correct += sums.correct;
      this.backendWriteV(n);
      this.backward(this.dOut, n, start > 0);
    }
    const C = this.spec.C;
    if (C !== null) for (const p of this.parameters) this.backend.axpby(1 / C, p.value, 1, p.grad, p.length);
    const meanLoss = lossSum / count;
    return { f: this.regularizationTerm() + meanLoss, meanLoss, correct };
  }

  /**
   * The backward pass from v = dxi/dz^{L+1} (classes x count, already scaled) through every layer,
   * writing (or, when accumulate, adding) the loss part of each parameter gradient.
   */
  backward(v: Tensor, count: number, accumulate: boolean): void {
    let d: Tensor | null = v;
    for (let m = this.layers.length - 1; m >= 0; m--) {
      const inputGrad = this.needsInputGradient[m];
      d = this.layers[m].backward(d!, count, { inputGrad, accumulate });
      if (!inputGrad) break;
    }
  }

  /**
   * The forward-mode (R-operator) pass: R{z^{L+1}} = J v for the parameter direction v (one tensor
   * per parameter, in `parameters` order), using the values kept by the last forward().
   */
  forwardR(direction: readonly Tensor[], count: number): Tensor {
    let RZ: Tensor | null = null;
    let k = 0;
    for (const layer of this.layers) {
      const n = layer.parameters.length;
      RZ = layer.forwardR(RZ, n > 0 ? (direction.slice(k, k + n) as Tensor[]) : null, count);
      k += n;
    }
    return RZ!;
  }

  /** The tensor v is written into by backendWriteV (for passes that supply their own v, e.g. J^T u). */
  get outputGradient(): Tensor {
    return this.dOut;
  }

  /** Uploads the first n instances of vHost into the output-gradient tensor. */
  private backendWriteV(n: number): void {
    this.backend.write(this.dOut, n === this.capacity ? this.vHost : this.vHost.subarray(0, n * this.classes));
  }

  private checkChunk(x: FloatArray, count: number): void {
    if (!Number.isInteger(count) || count < 1 || count > this.capacity)
      throw new Error(`Network: a chunk holds 1..${this.capacity} instances (got ${count})`);
    if (x.length < count * this.inputSize) throw new Error(`Network: ${count} instances need ${count * this.inputSize} input values, got ${x.length}`);
  }
}

/** Throws MemoryLimitError, naming the node that needs the most, when the buffers would not fit. */
function checkNetworkMemory(spec: NetworkSpec, capacity: number, backend: ComputeBackend, limit: MemoryLimit): void {
  const estimate = estimateMemory(spec, { batch: capacity, chunk: capacity, bytesPerValue: backend.dtype === 'float64' ? 8 : 4, optimizer: null });
  const problem = memoryProblem(estimate, limit.bytes, limit.name);
  if (!problem) return;
  const layer = spec.layers.find((l) => l.nodeId === problem.nodeId);
  throw new MemoryLimitError(problem.nodeId, layer ? `${nodeLabel(layer.kind, layer.name)}: ${problem.message}` : problem.message);
}

function subLabels(labels: ArrayLike<number>, start: number, n: number): ArrayLike<number> {
  if (start === 0) return labels;
  if (ArrayBuffer.isView(labels)) return (labels as Int32Array).subarray(start, start + n);
  return Array.prototype.slice.call(labels, start, start + n) as number[];
}
