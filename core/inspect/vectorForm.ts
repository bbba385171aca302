/**
 * The vector-form view of one convolutional layer m for one instance, in the lecture's symbols:
 *
 *   pad(Z^m)            d x a_pad b_pad        (P_pad applied to vec(Z^m))
 *   phi(pad(Z^m))       h h d x a_conv b_conv  (P_phi applied to vec(pad(Z^m)))
 *   W^m                 d^{m+1} x h h d,  b^m  d^{m+1}
 *   S^m = W^m phi(pad(Z^m)) + b^m 1^T          d^{m+1} x a_conv b_conv
 *   dxi/dS^m                                   d^{m+1} x a_conv b_conv
 *   dW^m = (dxi/dS^m) phi(pad(Z^m))^T,  db^m = (dxi/dS^m) 1
 *
 * Every matrix is column-major (vec order). The engine computes phi(pad(Z)) with the composed map
 * P_phi P_pad in one gather; here pad(Z) and phi(pad(Z)) are formed separately from the two maps
 * convolutionIndexMaps gives, so the view shows the intermediate the lecture names.
 * S is recomputed from W, phi and b (the engine overwrites S with sigma(S) in place); dxi/dS, dW
 * and db are what the engine's backward pass produced (the loss part, for this one instance).
 */
import { convolutionIndexMaps } from '../engine/convolution';
import type { Network } from '../engine/network';
import type { AffineLayer } from '../engine/affineLayer';
import type { LayerSpec } from '../graph/compile';
import { InspectionError, layerIndex, traceBackward, traceForward } from './inspectionNetwork';
import { gather } from './lecture/lectureMatrices';

export interface Matrix {
  rows: number;
  cols: number;
  /** rows * cols values, column-major */
  values: number[];
}

export interface VectorFormView {
  nodeId: string;
  name: string;
  /** d, a, b of Z^m; p, h, s; the padded and output sizes; d^{m+1}. */
  sizes: { d: number; a: number; b: number; p: number; h: number; s: number; aPad: number; bPad: number; aConv: number; bConv: number; dNext: number };
  Z: Matrix;
  padZ: Matrix;
  phiPadZ: Matrix;
  W: Matrix;
  b: Matrix;
  S: Matrix;
  dS: Matrix;
  dW: Matrix;
  db: Matrix;
  /** P_pad as an index map: entry j of vec(pad(Z)) is vec(Z)[padIndexMap[j]], or 0 where -1. */
  padIndexMap: number[];
  /** P_phi as an index map: entry j of vec(phi(pad(Z))) is vec(pad(Z))[patchIndexMap[j]]. */
  patchIndexMap: number[];
  /** xi of this instance. */
  loss: number;
  label: number;
}

function matrix(rows: number, cols: number, values: ArrayLike<number>): Matrix {
  if (values.length !== rows * cols) throw new Error(`vector form: ${rows}x${cols} needs ${rows * cols} values, got ${values.length}`);
  return { rows, cols, values: Array.from(values) };
}

/** The view for conv node `nodeId` on one instance x (preprocessed, vec layout) with its label. */
export function vectorFormView(network: Network, nodeId: string, x: Float32Array | Float64Array, label: number): VectorFormView {
  const m = layerIndex(network, nodeId);
  const spec = network.layers[m].spec as LayerSpec;
  if (spec.kind !== 'conv') throw new InspectionError(`the vector-form view is for convolution nodes; "${spec.name}" is ${spec.kind}`);
  const layer = network.layers[m] as AffineLayer;
  const be = network.backend;
  const trace = traceForward(network, x, 1);
  let dS: Float64Array | null = null;
  const lossSum = traceBackward(network, trace, [label], 1, (k, dOut) => {
    if (k === m) dS = Float64Array.from(be.read(dOut, layer.outSize));
  });
  const { d, a, b } = spec.inShape;
  const h = spec.size;
  const maps = convolutionIndexMaps(spec);
  const K = h * h * d;
  const P = maps.aConv * maps.bConv;
  const dNext = spec.outShape.d;
  const Z = trace.outputs[m];
  const padZ = gather(Z, maps.padIndexMap);
  const phi = gather(padZ, maps.patchIndexMap);
  const W = Float64Array.from(be.read(layer.W.value, layer.W.length));
  const bias = Float64Array.from(be.read(layer.b.value, layer.b.length));
  const S = new Float64Array(dNext * P);
  for (let q = 0; q < P; q++)
    for (let r = 0; r < dNext; r++) {
      let sum = bias[r];
      for (let k = 0; k < K; k++) sum += W[r + dNext * k] * phi[k + K * q];
      S[r + dNext * q] = sum;
    }
  return {
    nodeId,
    name: spec.name,
    sizes: { d, a, b, p: spec.padding, h, s: spec.stride, aPad: maps.aPad, bPad: maps.bPad, aConv: maps.aConv, bConv: maps.bConv, dNext },
    Z: matrix(d, a * b, Z),
    padZ: matrix(d, maps.aPad * maps.bPad, padZ),
    phiPadZ: matrix(K, P, phi),
    W: matrix(dNext, K, W),
    b: matrix(dNext, 1, bias),
    S: matrix(dNext, P, S),
    dS: matrix(dNext, P, dS!),
    dW: matrix(dNext, K, be.read(layer.W.grad, layer.W.length)),
    db: matrix(dNext, 1, be.read(layer.b.grad, layer.b.length)),
    padIndexMap: Array.from(maps.padIndexMap),
    patchIndexMap: Array.from(maps.patchIndexMap),
    loss: lossSum,
    label,
  };
}
