/**
 * What each layer outputs for one chosen instance (activation maps: Z^{m+1} as d images of a x b),
 * and which ReLU units are dead on a batch.
 */
import type { Network } from '../engine/network';
import type { LayerSpec } from '../graph/compile';
import { traceForward } from './inspectionNetwork';

export interface LayerActivation {
  nodeId: string;
  name: string;
  kind: LayerSpec['kind'] | 'input';
  /** Z^{m+1} is d x (a b): d maps of a x b (a vector is d x 1 x 1). */
  d: number;
  a: number;
  b: number;
  /** d a b values, column-major: channel fastest, then row, then column. */
  values: number[];
}

/** The output of every layer for instance x (the input itself first, as "input"). */
export function activationMaps(network: Network, x: Float32Array | Float64Array): LayerActivation[] {
  const trace = traceForward(network, x, 1);
  const input = network.spec.input;
  return [
    { nodeId: 'input', name: 'input', kind: 'input', d: input.d, a: input.a, b: input.b, values: Array.from(trace.outputs[0]) },
    ...network.layers.map((layer, m) => {
      const { d, a, b } = layer.spec.outShape;
      return { nodeId: layer.spec.nodeId, name: layer.spec.name, kind: layer.spec.kind, d, a, b, values: Array.from(trace.outputs[m + 1]) };
    }),
  ];
}

/** The layers whose output goes through a ReLU: conv/fc with activation relu, or a relu node. */
export function reluLayers(network: Network): number[] {
  return network.layers.flatMap((l, m) => ((l.spec.kind === 'conv' || l.spec.kind === 'fc' || l.spec.kind === 'activation') && l.spec.activation === 'relu' ? [m] : []));
}

export interface DeadUnits {
  nodeId: string;
  /** Output channels (units of a fully-connected layer). */
  units: number;
  /** Units whose output is exactly 0 at every position of every instance of the batch. */
  dead: number;
  fraction: number;
  batchSize: number;
}

/** Dead ReLU units of every ReLU layer on `count` instances of x. */
export function deadReluUnits(network: Network, x: Float32Array | Float64Array, count: number): DeadUnits[] {
  const trace = traceForward(network, x, count);
  return reluLayers(network).map((m) => {
    const d = network.layers[m].spec.outShape.d;
    const out = trace.outputs[m + 1];
    const alive = new Uint8Array(d);
    for (let j = 0; j < out.length; j++) if (out[j] > 0) alive[j % d] = 1;
    const dead = d - alive.reduce((s, v) => s + v, 0);
    return { nodeId: network.layers[m].spec.nodeId, units: d, dead, fraction: dead / d, batchSize: count };
  });
}

export interface ConvFilters {
  nodeId: string;
  /** d^{m+1} filters, each h x h x d^m: filter r is row r of W^m reshaped (in-window row fastest, then column, then channel). */
  count: number;
  h: number;
  d: number;
  /** filters[r][i + h*j + h*h*c] = W^m[r, (i, j, c)] */
  filters: number[][];
}

/** The filters of conv node `nodeId` as images: row r of W^m is an h x h x d^m patch weighting. */
export function convFilters(network: Network, nodeId: string): ConvFilters {
  const layer = network.layers.find((l) => l.spec.nodeId === nodeId);
  if (!layer || layer.spec.kind !== 'conv') throw new Error(`conv filters: "${nodeId}" is not a convolution node`);
  const W = layer.parameters[0];
  const values = network.backend.read(W.value, W.length);
  const filters: number[][] = [];
  for (let r = 0; r < W.rows; r++) {
    const f: number[] = new Array(W.cols);
    for (let k = 0; k < W.cols; k++) f[k] = values[r + W.rows * k];
    filters.push(f);
  }
  return { nodeId, count: W.rows, h: layer.spec.size, d: layer.spec.inShape.d, filters };
}
