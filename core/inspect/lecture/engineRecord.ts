/**
 * What the engine computed for one instance, read back layer by layer: the forward pass (each
 * node's input and output, phi(pad(Z)) from the layer's own patch buffer, P_pool's argmax), the
 * loss, the objective f with both terms, and the backward pass (dxi/d(output) handed to each node,
 * dxi/dS, dW, db, W^T dxi/dS and dxi/d(input) from the layer's own buffers), then the gradient of
 * f. Nothing here is a second implementation of a layer: S is the engine's GEMM and bias on the
 * engine's operands (the engine overwrites S with sigma(S) in place), sigma'(S) the engine's
 * activationGrad applied to ones.
 */
import type { Tensor } from '../../compute/backend';
import type { AffineLayer } from '../../engine/affineLayer';
import { lossAndGradient } from '../../engine/loss';
import type { Network } from '../../engine/network';
import type { PoolingLayer } from '../../engine/pooling';
import type { LayerSpec } from '../../graph/compile';
import { traceBackward, traceForward } from '../inspectionNetwork';

export interface AffineRecord {
  phi: Float64Array;
  W: Float64Array;
  b: Float64Array;
  S: Float64Array;
  sigmaPrime: Float64Array;
  dS: Float64Array;
  dW: Float64Array;
  db: Float64Array;
  /** W^T dxi/dS (K x P). */
  WtdS: Float64Array;
  /** The gradient of f: (1/C) W + (1/l) sum dxi/dW (l = 1), and the same for b. */
  fW: Float64Array;
  fb: Float64Array;
}

export interface NodeRecord {
  spec: LayerSpec;
  input: Float64Array;
  output: Float64Array;
  /** dxi/d(output) as the backward pass handed it to this node, before the node used it. */
  dOutput: Float64Array;
  /** dxi/d(input) the node returned (null for the first node: nothing below needs it). */
  dInput: Float64Array | null;
  affine: AffineRecord | null;
  /** Max pooling: for each output entry, its position in vec(input) (P_pool's selection). */
  argmax: Int32Array | null;
  /** sigma'(input) of a stand-alone activation node. */
  sigmaPrime: Float64Array | null;
}

export interface EngineRecord {
  nodes: NodeRecord[];
  scores: Float64Array;
  label: number;
  /** dxi/dz^{L+1} */
  v: Float64Array;
  xi: number;
  thetaTheta: number;
  regularization: number;
  meanLoss: number;
  f: number;
}

function ones(network: Network, n: number): Tensor {
  const t = network.backend.allocate(n);
  network.backend.fill(t, 1, n);
  return t;
}

/** Runs the engine on one instance x (vec layout, preprocessed) and keeps every quantity Lecture mode shows. */
export function recordEngine(network: Network, x: Float64Array | Float32Array, label: number): EngineRecord {
  const be = network.backend;
  const read = (t: Tensor, n: number) => Float64Array.from(be.read(t, n));
  const trace = traceForward(network, x, 1);
  const nodes: NodeRecord[] = network.layers.map((layer, k) => {
    const spec = layer.spec as LayerSpec;
    const record: NodeRecord = { spec, input: trace.outputs[k], output: trace.outputs[k + 1], dOutput: new Float64Array(0), dInput: null, affine: null, argmax: null, sigmaPrime: null };
    if (spec.kind === 'conv' || spec.kind === 'fc') {
      const affine = layer as AffineLayer;
      const K = affine.W.cols;
      const P = affine.outSize / affine.outChannels;
      const S = be.allocate(affine.outSize);
      be.gemm(false, false, affine.outChannels, P, K, affine.W.value, affine.phiPadZ!, S, false);
      be.addBias(S, affine.b.value, affine.outChannels, P);
      const sigmaPrime = ones(network, affine.outSize);
      be.activationGrad(spec.activation, spec.leak, trace.tensors[k + 1], sigmaPrime, affine.outSize);
      const none = new Float64Array(0);
      record.affine = {
        phi: read(affine.phiPadZ!, K * P),
        W: read(affine.W.value, affine.W.length),
        b: read(affine.b.value, affine.b.length),
        S: read(S, affine.outSize),
        sigmaPrime: read(sigmaPrime, affine.outSize),
        dS: none,
        dW: none,
        db: none,
        WtdS: none,
        fW: none,
        fb: none,
      };
    } else if (spec.kind === 'pool' && spec.mode === 'max') {
      const pool = layer as PoolingLayer;
      record.argmax = be.readIndex(pool.argmax!, pool.outSize);
    } else if (spec.kind === 'activation') {
      const sigmaPrime = ones(network, layer.outSize);
      be.activationGrad(spec.activation, spec.leak, trace.tensors[k + 1], sigmaPrime, layer.outSize);
      record.sigmaPrime = read(sigmaPrime, layer.outSize);
    }
    return record;
  });
  const scores = trace.outputs[trace.outputs.length - 1];
  const xi = traceBackward(
    network,
    trace,
    [label],
    1,
    (k, dOut, dIn) => {
      const layer = network.layers[k];
      nodes[k].dInput = dIn ? read(dIn, layer.inSize) : null;
      const affine = nodes[k].affine;
      if (!affine) return;
      const a = layer as AffineLayer;
      affine.dS = read(dOut, a.outSize);
      affine.dW = read(a.W.grad, a.W.length);
      affine.db = read(a.b.grad, a.b.length);
      if (dIn) affine.WtdS = read(a.dPhi, a.W.cols * (a.outSize / a.outChannels));
    },
    (k, dOut) => {
      nodes[k].dOutput = read(dOut, network.layers[k].outSize);
    },
  );
  const v = new Float64Array(network.classes);
  lossAndGradient(network.spec.loss, scores, [label], 1, network.classes, 1, v);
  let thetaTheta = 0;
  for (const p of network.parameters) thetaTheta += be.dot(p.value, p.value, p.length);
  const objective = network.objectiveAndGradient(x, [label], 1);
  nodes.forEach((node, k) => {
    if (!node.affine) return;
    const a = network.layers[k] as AffineLayer;
    node.affine.fW = read(a.W.grad, a.W.length);
    node.affine.fb = read(a.b.grad, a.b.length);
  });
  return { nodes, scores, label, v, xi, thetaTheta, regularization: network.regularizationTerm(), meanLoss: objective.meanLoss, f: objective.f };
}
