/** A stand-alone activation node: Z_next = sigma(Z), dxi/dZ = dxi/dZ_next .* sigma'(Z). */
import type { ComputeBackend, Tensor } from '../compute/backend';
import type { LayerSpec } from '../graph/compile';
import type { BackwardOptions, EngineLayer } from './layer';
import { shapeSize } from '../graph/shape';

export class ActivationLayer implements EngineLayer {
  readonly parameters = [];
  readonly inSize: number;
  readonly outSize: number;
  private readonly A: Tensor;
  private readonly RA: Tensor;

  constructor(
    readonly spec: LayerSpec & { kind: 'activation' },
    private readonly backend: ComputeBackend,
    capacity: number,
  ) {
    this.inSize = this.outSize = shapeSize(spec.inShape);
    this.A = backend.allocate(this.outSize * capacity);
    this.RA = backend.allocate(this.outSize * capacity);
  }

  forward(Zin: Tensor, count: number): Tensor {
    this.backend.activate(this.spec.activation, this.spec.leak, Zin, this.A, this.outSize * count);
    return this.A;
  }

  backward(dOut: Tensor, count: number, options: BackwardOptions): Tensor | null {
    if (!options.inputGrad) return null;
    this.backend.activationGrad(this.spec.activation, this.spec.leak, this.A, dOut, this.outSize * count);
    return dOut;
  }

  forwardR(RZin: Tensor | null, _direction: Tensor[] | null, count: number): Tensor {
    const n = this.outSize * count;
    if (!RZin) this.backend.fill(this.RA, 0, n);
    else this.backend.copy(RZin, this.RA, n);
    this.backend.activationGrad(this.spec.activation, this.spec.leak, this.A, this.RA, n);
    return this.RA;
  }
}
