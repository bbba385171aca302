import type { Tensor } from '../compute/backend';
import type { LayerSpec } from '../graph/compile';

/** One trainable tensor: W^m (rows = output channels) or b^m, with its gradient. Column-major. */
export interface Parameter {
  layerId: string;
  name: 'W' | 'b';
  rows: number;
  cols: number;
  length: number;
  value: Tensor;
  grad: Tensor;
}

export interface BackwardOptions {
  /** Compute dxi/dZ^m for the layer below (false for the first layer). */
  inputGrad: boolean;
  /** Add this batch's parameter gradients to the stored ones (chunked batches). */
  accumulate: boolean;
}

/**
 * One node of the chain between input and output. Every buffer is allocated at construction for
 * `capacity` instances; forward/backward take the actual count (<= capacity) and allocate nothing.
 */
export interface EngineLayer {
  readonly spec: LayerSpec;
  readonly parameters: Parameter[];
  /** Values per instance of the input (d a b) and of the output. */
  readonly inSize: number;
  readonly outSize: number;
  /** Z^{m+1} for the batch given Z^m; the returned tensor belongs to the layer. */
  forward(Zin: Tensor, count: number): Tensor;
  /**
   * Given dOut = dxi/dZ^{m+1} (which the layer may overwrite), stores the parameter gradients and
   * returns dxi/dZ^m (a tensor of this layer, or dOut itself) when options.inputGrad.
   */
  backward(dOut: Tensor, count: number, options: BackwardOptions): Tensor | null;
  /**
   * The R-operator (forward-mode) pass for Gauss-Newton products: given R{Z^m} (null when it is 0,
   * i.e. for the input) and this layer's parameter direction (dirW, dirB; ignored when the layer has
   * none), returns R{Z^{m+1}}. Uses the values kept by the last forward().
   */
  forwardR(RZin: Tensor | null, direction: Tensor[] | null, count: number): Tensor;
}
