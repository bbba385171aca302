/**
 * The fully-connected layer: s = W z + b, with z the vec of the layer below (channel fastest,
 * then height, then width). In the vector form it is the convolutional layer with
 * phi(pad(z)) = I z, so it shares AffineLayer and only its patch operator is the identity.
 */
import type { ComputeBackend, Tensor } from '../compute/backend';
import type { LayerSpec } from '../graph/compile';
import { AffineLayer, type PatchOperator } from './affineLayer';
import { weightShape } from './weightShape';

class IdentityPatch implements PatchOperator {
  readonly identity = true;
  readonly columnsPerInstance = 1;
  constructor(readonly rows: number) {}
  apply(Z: Tensor): Tensor {
    return Z;
  }
  applyTranspose(): void {}
}

export function createFullyConnectedLayer(spec: LayerSpec & { kind: 'fc' }, backend: ComputeBackend, capacity: number): AffineLayer {
  return new AffineLayer(spec, backend, new IdentityPatch(weightShape(spec).cols), capacity, spec.activation, spec.leak);
}
