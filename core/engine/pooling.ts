/**
 * The pooling layer: Z_next = mat(P_pool vec(Z)). For max pooling P_pool selects each window's
 * largest entry; the selection (argmax) is stored per instance at forward time, and the backward
 * pass P_pool^T v is a scatter to those positions. Average pooling spreads v/q^2 over each window.
 */
import type { ComputeBackend, IndexMap, IndexTensor, Tensor } from '../compute/backend';
import type { LayerSpec } from '../graph/compile';
import type { BackwardOptions, EngineLayer } from './layer';
import { buildPoolWindowIndexMap } from './indexMaps';
import { shapeSize } from '../graph/shape';

export class PoolingLayer implements EngineLayer {
  readonly parameters = [];
  readonly inSize: number;
  readonly outSize: number;
  private readonly windowSize: number;
  private readonly windows: IndexMap;
  private readonly out: Tensor;
  private readonly dZin: Tensor;
  private readonly RZout: Tensor;
  /** P_pool's selection for the last forward batch (max pooling), counted from the batch start. */
  readonly argmax: IndexTensor | null;

  constructor(
    readonly spec: LayerSpec & { kind: 'pool' },
    private readonly backend: ComputeBackend,
    capacity: number,
  ) {
    const { d, a, b } = spec.inShape;
    this.inSize = d * a * b;
    this.outSize = shapeSize(spec.outShape);
    this.windowSize = spec.size * spec.size;
    this.windows = backend.uploadIndexMap(buildPoolWindowIndexMap(d, a, b, spec.size, spec.stride), this.inSize);
    this.out = backend.allocate(this.outSize * capacity);
    this.RZout = backend.allocate(this.outSize * capacity);
    this.dZin = backend.allocate(this.inSize * capacity);
    this.argmax = spec.mode === 'max' ? backend.allocateIndex(this.outSize * capacity) : null;
  }

  forward(Zin: Tensor, count: number): Tensor {
    if (this.argmax) this.backend.maxPool(Zin, this.windows, this.windowSize, this.out, this.argmax, count);
    else this.backend.avgPool(Zin, this.windows, this.windowSize, this.out, count);
    return this.out;
  }

  backward(dOut: Tensor, count: number, options: BackwardOptions): Tensor | null {
    if (!options.inputGrad) return null;
    if (this.argmax) this.backend.maxPoolBackward(dOut, this.argmax, this.outSize * count, this.dZin, this.inSize * count);
    else this.backend.avgPoolBackward(dOut, this.windows, this.windowSize, this.dZin, count);
    return this.dZin;
  }

  forwardR(RZin: Tensor | null, _direction: Tensor[] | null, count: number): Tensor {
    if (!RZin) {
      this.backend.fill(this.RZout, 0, this.outSize * count);
    } else if (this.argmax) {
      // R{P_pool vec(Z)} = P_pool R{vec(Z)} with the selection of the forward pass.
      this.backend.gatherArgmax(RZin, this.argmax, this.outSize * count, this.RZout);
    } else {
      this.backend.avgPool(RZin, this.windows, this.windowSize, this.RZout, count);
    }
    return this.RZout;
  }
}
