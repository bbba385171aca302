/**
 * A network built for looking inside, not for training: the float64 reference backend, one
 * instance or a small batch, the weights of a run (or the seeded He initialisation), and a manual
 * walk through the layers so every intermediate Z^m, phi(pad(Z^m)), S^m and dxi/dS^m can be read.
 */
import type { FloatArray, Tensor } from '../compute/backend';
import { createReferenceBackend } from '../compute/reference/typedArrayBackend';
import { lossAndGradient } from '../engine/loss';
import { Network, type ParameterValues } from '../engine/network';
import { compileGraph, type NetworkSpec } from '../graph/compile';
import type { GraphFile } from '../graph/format';

/** W or b of one layer as a checkpoint stores it (core/train/checkpoint.ts StoredParameter). */
export interface LayerParameterValues {
  layerId: string;
  name: 'W' | 'b';
  values: ArrayLike<number>;
}

export class InspectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InspectionError';
  }
}

export function compileForInspection(graph: GraphFile): NetworkSpec {
  const compiled = compileGraph(graph);
  if (!compiled.ok || !compiled.network) throw new InspectionError(`the graph cannot be inspected: ${compiled.errors.map((e) => e.message).join('; ')}`);
  return compiled.network;
}

/**
 * A Network on the float64 reference backend for `capacity` instances, with the given weights
 * (matched by layer id and name) or He-initialised from `seed`.
 */
export function buildInspectionNetwork(spec: NetworkSpec, capacity: number, weights: readonly LayerParameterValues[] | null, seed = 1): Network {
  const network = new Network(spec, createReferenceBackend(), { batchCapacity: capacity });
  if (!weights) {
    network.initialize(seed);
    return network;
  }
  const values: ParameterValues[] = network.parameters.map((p) => {
    const stored = weights.find((w) => w.layerId === p.layerId && w.name === p.name);
    if (!stored) throw new InspectionError(`the weights have no ${p.name} for layer "${p.layerId}"`);
    if (stored.values.length !== p.length) throw new InspectionError(`${p.layerId}.${p.name}: the weights hold ${stored.values.length} values, the layer needs ${p.length} (the graph changed since the run?)`);
    return { layerId: p.layerId, name: p.name, rows: p.rows, cols: p.cols, values: Float64Array.from(stored.values) };
  });
  network.setParameters(values);
  return network;
}

/** What a manual forward pass keeps: Z^1 (the input) and every layer's output, on the host. */
export interface ForwardTrace {
  /** outputs[0] = the input Z^1; outputs[m + 1] = the output of layers[m]. */
  outputs: Float64Array[];
  /** The tensors the layers returned (still owned by the layers), same indexing. */
  tensors: Tensor[];
}

/** Runs the layers one by one on `count` instances, reading every output back. */
export function traceForward(network: Network, x: FloatArray, count: number): ForwardTrace {
  const be = network.backend;
  const input = be.allocate(network.inputSize * count);
  be.write(input, x.subarray(0, network.inputSize * count));
  const tensors: Tensor[] = [input];
  const outputs: Float64Array[] = [Float64Array.from(be.read(input, network.inputSize * count))];
  let Z = input;
  for (const layer of network.layers) {
    Z = layer.forward(Z, count);
    tensors.push(Z);
    outputs.push(Float64Array.from(be.read(Z, layer.outSize * count)));
  }
  return { outputs, tensors };
}

/**
 * The backward pass after traceForward, from v = dxi/dz^{L+1} (the loss gradient, not divided by
 * the count, no regulariser): each layer's parameter gradient is the loss part dxi/dtheta summed
 * over the instances. `onLayer(m, dOut, dIn)` sees the tensor handed to layer m right after its
 * backward ran (for an affine layer it then holds dxi/dS^m, computed in place) and the one it
 * returned (dxi/dZ^m, null for the first layer); `beforeLayer(m, dOut)` sees dxi/dZ^{m+1} before
 * layer m may overwrite it.
 */
export function traceBackward(
  network: Network,
  trace: ForwardTrace,
  labels: ArrayLike<number>,
  count: number,
  onLayer?: (m: number, dOut: Tensor, dIn: Tensor | null) => void,
  beforeLayer?: (m: number, dOut: Tensor) => void,
): number {
  const be = network.backend;
  const z = trace.outputs[trace.outputs.length - 1];
  const v = new Float64Array(network.classes * count);
  const sums = lossAndGradient(network.spec.loss, z, labels, count, network.classes, 1, v);
  let d: Tensor | null = be.allocate(network.classes * count);
  be.write(d, v);
  for (let m = network.layers.length - 1; m >= 0 && d; m--) {
    const dOut: Tensor = d;
    beforeLayer?.(m, dOut);
    d = network.layers[m].backward(dOut, count, { inputGrad: m > 0, accumulate: false });
    onLayer?.(m, dOut, d);
  }
  return sums.lossSum;
}

export function layerIndex(network: Network, nodeId: string): number {
  const m = network.layers.findIndex((l) => l.spec.nodeId === nodeId);
  if (m < 0) throw new InspectionError(`node "${nodeId}" is not a layer of the network (input and output nodes have no layer)`);
  return m;
}
