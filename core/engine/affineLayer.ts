/**
 * The affine layer of the vector form, shared by convolution and fully-connected layers:
 *
 *   S = W phi(pad(Z)) + b 1^T,   Z_next = sigma(S)
 *
 * dxi/dS = dxi/dZ_next .* sigma'(S);  dW = dxi/dS phi(pad(Z))^T;  db = dxi/dS 1;
 * dxi/dvec(Z) = P_pad^T P_phi^T vec(W^T dxi/dS).
 *
 * A fully-connected layer is the same formula with phi(pad(z)) = I z (the lecture's point): only
 * the patch operator differs, so it is a strategy (PatchOperator) and the rest is written once.
 */
import type { ComputeBackend, Tensor } from '../compute/backend';
import type { LayerSpec } from '../graph/compile';
import type { ActivationKind } from '../graph/format';
import type { BackwardOptions, EngineLayer, Parameter } from './layer';
import { shapeSize } from '../graph/shape';

/** phi(pad(.)) for a batch of instances, and its transpose. */
export interface PatchOperator {
  /** K: rows of the patch matrix (h h d; n for a fully-connected layer). */
  readonly rows: number;
  /** P: columns per instance (a_conv b_conv; 1 for a fully-connected layer). */
  readonly columnsPerInstance: number;
  /** True for phi(pad(z)) = I z: apply returns Z itself and the transpose is a no-op. */
  readonly identity: boolean;
  /** phi(pad(Z)) for the batch, written into out (K x P*count), or Z itself for the identity. */
  apply(Z: Tensor, out: Tensor, count: number): Tensor;
  /** dZ = P_pad^T P_phi^T dPhi (a scatter-add; overlapping patches sum, padding is dropped). */
  applyTranspose(dPhi: Tensor, dZ: Tensor, count: number): void;
}

export class AffineLayer implements EngineLayer {
  readonly parameters: Parameter[];
  readonly inSize: number;
  readonly outSize: number;
  readonly W: Parameter;
  readonly b: Parameter;
  /** d^{m+1} */
  readonly outChannels: number;
  /** sigma(S^m) for the batch; S is overwritten in place (every sigma' is computable from sigma(S)). */
  readonly A: Tensor;
  /** phi(pad(Z^m)) of the last forward (Z^m itself for a fully-connected layer). */
  phiPadZ: Tensor | null = null;
  /** The buffer phi(pad(Z^m)) is gathered into (null for the identity patch). */
  private readonly phiPadZBuffer: Tensor | null;
  /** W^T dxi/dS (K x P*count) of the last backward; for the identity patch this is dxi/dz^m itself. Scratch in forwardR (Lecture mode reads it). */
  readonly dPhi: Tensor;
  /** dxi/dvec(Z^m) (null for the identity patch). */
  private readonly dZin: Tensor | null;
  /** R{S} / R{Z_next} of the forward-mode pass. */
  private readonly RS: Tensor;

  constructor(
    readonly spec: LayerSpec & { kind: 'conv' | 'fc' },
    private readonly backend: ComputeBackend,
    private readonly patch: PatchOperator,
    capacity: number,
    private readonly activation: ActivationKind,
    private readonly leak: number,
  ) {
    this.outChannels = spec.outShape.d;
    this.inSize = shapeSize(spec.inShape);
    this.outSize = shapeSize(spec.outShape);
    const K = patch.rows;
    const patchLength = K * patch.columnsPerInstance * capacity;
    this.W = this.parameter('W', this.outChannels, K);
    this.b = this.parameter('b', this.outChannels, 1);
    this.parameters = [this.W, this.b];
    this.A = backend.allocate(this.outSize * capacity);
    this.RS = backend.allocate(this.outSize * capacity);
    this.dPhi = backend.allocate(patchLength);
    this.phiPadZBuffer = patch.identity ? null : backend.allocate(patchLength);
    this.dZin = patch.identity ? null : backend.allocate(this.inSize * capacity);
  }

  private parameter(name: 'W' | 'b', rows: number, cols: number): Parameter {
    const length = rows * cols;
    return { layerId: this.spec.nodeId, name, rows, cols, length, value: this.backend.allocate(length), grad: this.backend.allocate(length) };
  }

  forward(Zin: Tensor, count: number): Tensor {
    const be = this.backend;
    const columns = this.patch.columnsPerInstance * count;
    const phiPadZ = this.patch.apply(Zin, this.phiPadZBuffer!, count);
    this.phiPadZ = phiPadZ;
    be.gemmBiasActivate(this.outChannels, columns, this.patch.rows, this.W.value, phiPadZ, this.b.value, this.A, this.activation, this.leak);
    return this.A;
  }

  backward(dOut: Tensor, count: number, options: BackwardOptions): Tensor | null {
    const be = this.backend;
    const columns = this.patch.columnsPerInstance * count;
    const K = this.patch.rows;
    const dS = dOut;
    be.activationGrad(this.activation, this.leak, this.A, dS, this.outChannels * columns);
    be.gemm(false, true, this.outChannels, K, columns, dS, this.phiPadZ!, this.W.grad, options.accumulate);
    be.rowSum(dS, this.b.grad, this.outChannels, columns, options.accumulate);
    if (!options.inputGrad) return null;
    be.gemm(true, false, K, columns, this.outChannels, this.W.value, dS, this.dPhi, false);
    if (this.patch.identity) return this.dPhi;
    this.patch.applyTranspose(this.dPhi, this.dZin!, count);
    return this.dZin;
  }

  forwardR(RZin: Tensor | null, direction: Tensor[] | null, count: number): Tensor {
    const be = this.backend;
    const columns = this.patch.columnsPerInstance * count;
    const K = this.patch.rows;
    // R{S} = W phi(pad(R{Z})) + V_W phi(pad(Z)) + v_b 1^T;  R{Z_next} = sigma'(S) .* R{S}.
    if (direction) {
      be.gemm(false, false, this.outChannels, columns, K, direction[0], this.phiPadZ!, this.RS, false);
      be.addBias(this.RS, direction[1], this.outChannels, columns);
    } else {
      be.fill(this.RS, 0, this.outChannels * columns);
    }
    if (RZin) {
      const phiPadRZ = this.patch.apply(RZin, this.dPhi, count);
      be.gemm(false, false, this.outChannels, columns, K, this.W.value, phiPadRZ, this.RS, true);
    }
    be.activationGrad(this.activation, this.leak, this.A, this.RS, this.outChannels * columns);
    return this.RS;
  }
}
