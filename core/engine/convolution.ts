/**
 * The convolutional layer: S = W phi(pad(Z)) + b 1^T with the patch operator P_phi P_pad applied
 * as one gather of the composed index map, and its transpose as one scatter-add.
 */
import type { ComputeBackend, IndexMap, Tensor } from '../compute/backend';
import type { LayerSpec } from '../graph/compile';
import { AffineLayer, type PatchOperator } from './affineLayer';
import { buildPadIndexMap, buildPatchIndexMap, composeIndexMaps } from './indexMaps';
import { weightShape } from './weightShape';
import { shapeSize } from '../graph/shape';

type ConvSpec = LayerSpec & { kind: 'conv' };

/** The index maps of one convolution shape, built once; the UI's vector-form view shows them. */
export interface ConvolutionIndexMaps {
  /** P_pad: vec(pad(Z)) <- vec(Z) */
  padIndexMap: Int32Array;
  /** P_phi: vec(phi(pad(Z))) <- vec(pad(Z)) */
  patchIndexMap: Int32Array;
  /** P_phi P_pad: vec(phi(pad(Z))) <- vec(Z), -1 where the patch reads padding */
  paddedPatchIndexMap: Int32Array;
  aPad: number;
  bPad: number;
  aConv: number;
  bConv: number;
}

export function convolutionIndexMaps(spec: ConvSpec): ConvolutionIndexMaps {
  const { d, a, b } = spec.inShape;
  const p = spec.padding;
  const aPad = a + 2 * p;
  const bPad = b + 2 * p;
  const padIndexMap = buildPadIndexMap(d, a, b, p);
  const patchIndexMap = buildPatchIndexMap(d, aPad, bPad, spec.size, spec.stride);
  return {
    padIndexMap,
    patchIndexMap,
    paddedPatchIndexMap: composeIndexMaps(patchIndexMap, padIndexMap),
    aPad,
    bPad,
    aConv: spec.outShape.a,
    bConv: spec.outShape.b,
  };
}

class ConvolutionPatch implements PatchOperator {
  readonly identity = false;
  private readonly map: IndexMap;

  constructor(
    private readonly backend: ComputeBackend,
    spec: ConvSpec,
    readonly rows: number,
    readonly columnsPerInstance: number,
  ) {
    const maps = convolutionIndexMaps(spec);
    this.map = backend.uploadIndexMap(maps.paddedPatchIndexMap, shapeSize(spec.inShape));
  }

  apply(Z: Tensor, out: Tensor, count: number): Tensor {
    this.backend.gather(Z, this.map, out, count);
    return out;
  }

  applyTranspose(dPhi: Tensor, dZ: Tensor, count: number): void {
    this.backend.scatterAdd(dPhi, this.map, dZ, count, false);
  }
}

export function createConvolutionLayer(spec: ConvSpec, backend: ComputeBackend, capacity: number): AffineLayer {
  const P = spec.outShape.a * spec.outShape.b;
  return new AffineLayer(spec, backend, new ConvolutionPatch(backend, spec, weightShape(spec).cols, P), capacity, spec.activation, spec.leak);
}
