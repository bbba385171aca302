import { describe, expect, it } from 'vitest';
import type { ComputeBackend } from '../../core/compute/backend';
import { createReferenceBackend } from '../../core/compute/reference/typedArrayBackend';
import { convolutionIndexMaps } from '../../core/engine/convolution';
import { Network } from '../../core/engine/network';
import { buildChainGraph, type ChainLayer } from '../../core/graph/chain';
import type { LayerSpec } from '../../core/graph/compile';
import { activationMaps, convFilters, deadReluUnits } from '../../core/inspect/activations';
import { checkLayerGradient } from '../../core/inspect/gradientCheck';
import { gradientFlow, VANISHING_RATIO } from '../../core/inspect/gradientFlow';
import { buildInspectionNetwork, compileForInspection } from '../../core/inspect/inspectionNetwork';
import { vectorFormView } from '../../core/inspect/vectorForm';
import type { LayerStat } from '../../core/store/records';
import { Random } from '../../core/util/random';

const input = (channels: number, size: number): ChainLayer => ({ kind: 'input', params: { channels, height: size, width: size } });
const SMALL: ChainLayer[] = [
  input(2, 7),
  { kind: 'conv', params: { filters: 3, size: 3, stride: 2, padding: 1, activation: 'relu' } },
  { kind: 'pool', params: { mode: 'max', size: 2, stride: 2 } },
  { kind: 'fc', params: { units: 5, activation: 'tanh' } },
  { kind: 'fc', params: { units: 4, activation: 'linear' } },
  { kind: 'output', params: { loss: 'softmax_ce', classes: 4, C: 0.5 } },
];

function problem(layers: ChainLayer[], count: number, seed = 3) {
  const spec = compileForInspection(buildChainGraph('t', layers));
  const network = buildInspectionNetwork(spec, count, null, seed);
  const random = new Random(seed + 100);
  const x = new Float64Array(count * network.inputSize).map(() => random.normal());
  const labels = Int32Array.from({ length: count }, () => random.int(spec.classes));
  return { spec, network, x, labels };
}

/** A backend that gets one thing wrong: db = 1.1 * (v 1). */
function withWrongBias(backend: ComputeBackend): ComputeBackend {
  return new Proxy(backend, {
    get(target, prop, receiver) {
      if (prop === 'rowSum')
        return (S: never, out: never, rows: number, cols: number, accumulate: boolean) => {
          target.rowSum(S, out, rows, cols, accumulate);
          const values = target.read(out, rows);
          target.write(out, Array.from(values, (v) => 1.1 * v));
        };
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('gradient check per layer', () => {
  it('finds the engine gradient of every layer with parameters right to 1e-6', () => {
    const { network, x, labels } = problem(SMALL, 3);
    for (const nodeId of ['conv1', 'fc1', 'fc2']) {
      const check = checkLayerGradient(network, nodeId, x, labels, 3);
      expect(check.tensors.map((t) => t.name)).toEqual(['W', 'b']);
      expect(check.tensors.every((t) => t.probes.length > 0)).toBe(true);
      expect(check.relativeError, nodeId).toBeLessThan(1e-6);
    }
  });

  it('leaves the weights as it found them', () => {
    const { network, x, labels } = problem(SMALL, 2);
    const before = network.getParameters().map((p) => Array.from(p.values));
    checkLayerGradient(network, 'conv1', x, labels, 2);
    expect(network.getParameters().map((p) => Array.from(p.values))).toEqual(before);
  });

  it('catches a wrong gradient: one entry of dW off by 50%', () => {
    const { network, x, labels } = problem(SMALL, 3);
    const check = checkLayerGradient(network, 'conv1', x, labels, 3, { coordinates: 0, directions: 3 }, (name, g) => {
      const wrong = Float64Array.from(g);
      if (name === 'W') wrong[5] *= 1.5;
      return wrong;
    });
    expect(check.tensors[0].maxRelativeError).toBeGreaterThan(1e-3);
    expect(check.tensors[1].maxRelativeError).toBeLessThan(1e-6);
  });

  it('catches a backend whose db is wrong, on the layer where it is wrong', () => {
    const spec = compileForInspection(buildChainGraph('t', SMALL));
    const network = new Network(spec, withWrongBias(createReferenceBackend()), { batchCapacity: 2 });
    network.initialize(5);
    const random = new Random(9);
    const x = new Float64Array(2 * network.inputSize).map(() => random.normal());
    const check = checkLayerGradient(network, 'fc2', x, [1, 3], 2);
    expect(check.tensors.find((t) => t.name === 'b')!.maxRelativeError).toBeGreaterThan(1e-3);
  });

  it('retries a probe whose step crosses a ReLU kink with a smaller step, and passes', () => {
    // s = w x + b = 3e-6 for x = 1: a step of 1e-5 on b crosses relu's kink at 0, a step of 1e-6 does not.
    const spec = compileForInspection(
      buildChainGraph('kink', [input(1, 1), { kind: 'fc', params: { units: 1, activation: 'relu' } }, { kind: 'fc', params: { units: 2, activation: 'linear' } }, { kind: 'output', params: { loss: 'squared', classes: 2, C: null } }]),
    );
    const network = buildInspectionNetwork(spec, 1, [
      { layerId: 'fc1', name: 'W', values: [0.5] },
      { layerId: 'fc1', name: 'b', values: [3e-6 - 0.5] },
      { layerId: 'fc2', name: 'W', values: [2, -1] },
      { layerId: 'fc2', name: 'b', values: [0.1, 0.2] },
    ]);
    const check = checkLayerGradient(network, 'fc1', Float64Array.of(1), [0], 1, { coordinates: 1, directions: 1 });
    const b = check.tensors.find((t) => t.name === 'b')!;
    expect(b.probes.map((p) => p.epsilon / 1e-5)).toEqual([expect.closeTo(0.1, 12), expect.closeTo(0.1, 12)]);
    expect(b.maxRelativeError).toBeLessThan(1e-6);
    expect(check.tensors[0].probes.every((p) => p.epsilon === 1e-5)).toBe(false); // W's steps (x = 1) cross it too
    expect(check.relativeError).toBeLessThan(1e-6);
  });

  it('refuses a layer without parameters and an unknown node, naming them', () => {
    const { network, x, labels } = problem(SMALL, 1);
    expect(() => checkLayerGradient(network, 'pool1', x, labels, 1)).toThrow(/pool1.*no parameters/);
    expect(() => checkLayerGradient(network, 'nope', x, labels, 1)).toThrow(/"nope"/);
  });
});

describe('vector-form view of a conv layer', () => {
  const layers: ChainLayer[] = [
    input(2, 6),
    { kind: 'conv', params: { filters: 3, size: 3, stride: 1, padding: 1, activation: 'relu' } },
    { kind: 'conv', params: { filters: 4, size: 2, stride: 2, padding: 0, activation: 'tanh' } },
    { kind: 'fc', params: { units: 3, activation: 'linear' } },
    { kind: 'output', params: { loss: 'squared', classes: 3, C: null } },
  ];

  it('has the lecture dimensions and matches the engine index maps', () => {
    const { spec, network, x } = problem(layers, 1);
    const view = vectorFormView(network, 'conv2', x, 2);
    const conv2 = spec.layers[1] as LayerSpec & { kind: 'conv' };
    expect(view.sizes).toEqual({ d: 3, a: 6, b: 6, p: 0, h: 2, s: 2, aPad: 6, bPad: 6, aConv: 3, bConv: 3, dNext: 4 });
    expect([view.padZ.rows, view.padZ.cols]).toEqual([3, 36]);
    expect([view.phiPadZ.rows, view.phiPadZ.cols]).toEqual([12, 9]);
    expect([view.W.rows, view.W.cols, view.S.rows, view.S.cols, view.dS.rows, view.dS.cols, view.dW.rows, view.dW.cols]).toEqual([4, 12, 4, 9, 4, 9, 4, 12]);
    const maps = convolutionIndexMaps(conv2);
    expect(view.patchIndexMap).toEqual(Array.from(maps.patchIndexMap));
    expect(view.padIndexMap).toEqual(Array.from(maps.padIndexMap));
    // phi(pad(Z)) is what the engine's composed gather P_phi P_pad reads from vec(Z).
    view.phiPadZ.values.forEach((v, j) => expect(v).toBe(maps.paddedPatchIndexMap[j] < 0 ? 0 : view.Z.values[maps.paddedPatchIndexMap[j]]));
  });

  it('pads with zeros: a 1-pixel border of pad(Z) is 0 and the interior is Z', () => {
    const { network, x } = problem(layers, 1);
    const view = vectorFormView(network, 'conv1', x, 0);
    const { d, aPad, bPad, a } = view.sizes;
    for (let c = 0; c < d; c++)
      for (let j = 0; j < bPad; j++)
        for (let i = 0; i < aPad; i++) {
          const v = view.padZ.values[c + d * (i + aPad * j)];
          const border = i === 0 || j === 0 || i === aPad - 1 || j === bPad - 1;
          expect(v).toBe(border ? 0 : view.Z.values[c + d * (i - 1 + a * (j - 1))]);
        }
  });

  it('S = W phi + b 1^T gives the layer output after sigma; dW = dxi/dS phi^T and db = dxi/dS 1', () => {
    const { network, x } = problem(layers, 1);
    const view = vectorFormView(network, 'conv2', x, 1);
    const acts = activationMaps(network, x);
    const out = acts.find((l) => l.nodeId === 'conv2')!.values;
    view.S.values.forEach((s, j) => expect(out[j]).toBeCloseTo(Math.tanh(s), 12));
    const { rows: dNext, cols: P } = view.S;
    const K = view.phiPadZ.rows;
    for (let r = 0; r < dNext; r++) {
      let db = 0;
      for (let q = 0; q < P; q++) db += view.dS.values[r + dNext * q];
      expect(view.db.values[r]).toBeCloseTo(db, 12);
      for (let k = 0; k < K; k++) {
        let dW = 0;
        for (let q = 0; q < P; q++) dW += view.dS.values[r + dNext * q] * view.phiPadZ.values[k + K * q];
        expect(view.dW.values[r + dNext * k]).toBeCloseTo(dW, 12);
      }
    }
    expect(view.dS.values.some((v) => v !== 0)).toBe(true);
  });

  it('refuses a node that is not a convolution', () => {
    const { network, x } = problem(layers, 1);
    expect(() => vectorFormView(network, 'fc1', x, 0)).toThrow(/convolution nodes.*fc1.*fc/);
  });
});

describe('activations, dead ReLUs, filters', () => {
  it('gives every layer output with its shape, the input first', () => {
    const { network, x } = problem(SMALL, 1);
    const maps = activationMaps(network, x);
    expect(maps.map((m) => [m.nodeId, m.d, m.a, m.b, m.values.length])).toEqual([
      ['input', 2, 7, 7, 98],
      ['conv1', 3, 4, 4, 48],
      ['pool1', 3, 2, 2, 12],
      ['fc1', 5, 1, 1, 5],
      ['fc2', 4, 1, 1, 4],
    ]);
    expect(maps[0].values).toEqual(Array.from(x));
  });

  it('counts a ReLU unit as dead only when it is 0 on the whole batch', () => {
    const { network, x } = problem(SMALL, 4);
    expect(deadReluUnits(network, x, 4)[0]).toMatchObject({ nodeId: 'conv1', units: 3, dead: 0 });
    const params = network.getParameters();
    const b = params.find((p) => p.layerId === 'conv1' && p.name === 'b')!;
    b.values[1] = -1e6;
    network.setParameters(params);
    expect(deadReluUnits(network, x, 4)[0]).toMatchObject({ dead: 1, fraction: 1 / 3, batchSize: 4 });
  });

  it('reshapes row r of W into filter r', () => {
    const { network } = problem(SMALL, 1);
    const f = convFilters(network, 'conv1');
    const W = network.getParameters()[0];
    expect([f.count, f.h, f.d, f.filters[0].length]).toEqual([3, 3, 2, 18]);
    expect(f.filters[2][7]).toBe(W.values[2 + 3 * 7]);
  });
});

describe('gradient flow from stored statistics', () => {
  const stat = (step: number, layerId: string, tensor: LayerStat['tensor'], norm: number): LayerStat => ({
    step,
    layerId,
    tensor,
    stats: { norm, mean: 0, std: 0, min: 0, max: 0, histogram: { edges: [0, 1], counts: [step] } },
  });

  it('orders layers as the network does and warns of vanishing and exploding gradients', () => {
    const stats = [
      stat(1, 'fc1', 'W', 2), stat(1, 'fc1', 'dW', 0.5), stat(1, 'conv1', 'W', 1), stat(1, 'conv1', 'dW', 0.1),
      stat(50, 'fc1', 'W', 2), stat(50, 'fc1', 'dW', 1000), stat(50, 'conv1', 'W', 1), stat(50, 'conv1', 'dW', VANISHING_RATIO / 10),
    ];
    const flow = gradientFlow(stats, ['conv1', 'pool1', 'fc1']);
    expect(flow.steps).toEqual([1, 50]);
    expect(flow.layers.map((l) => l.layerId)).toEqual(['conv1', 'fc1']);
    expect(flow.layers[1].norms.dW).toEqual([0.5, 1000]);
    expect(flow.layers[0].norms.db).toEqual([null, null]);
    expect(flow.layers[0].histograms.dW[1]?.counts).toEqual([50]);
    expect(flow.warnings[0]).toEqual([]);
    expect(flow.warnings[1].map((w) => [w.layerId, w.kind])).toEqual([['conv1', 'vanishing'], ['fc1', 'exploding']]);
  });
});
