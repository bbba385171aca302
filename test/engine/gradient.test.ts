/**
 * The analytic gradient of f against central finite differences, in float64, for every layer kind
 * and option: relative error per parameter tensor below 1e-6.
 */
import { describe, expect, it } from 'vitest';
import { createReferenceBackend } from '../../core/compute/reference/typedArrayBackend';
import type { ChainLayer } from '../../core/graph/chain';
import { makeProblem, relativeError, specOf } from './helpers';

const input = (channels: number, size: number): ChainLayer => ({ kind: 'input', params: { channels, height: size, width: size } });
const output = (loss: 'squared' | 'softmax_ce', classes: number, C: number | null): ChainLayer => ({ kind: 'output', params: { loss, classes, C } });

const cases: [string, ChainLayer[]][] = [
  ['conv s1 p0 relu, max pool 2, fc, squared, no C', [input(1, 6), { kind: 'conv', params: { filters: 3, size: 3, stride: 1, padding: 0, activation: 'relu' } }, { kind: 'pool', params: { mode: 'max', size: 2, stride: 2 } }, { kind: 'fc', params: { units: 4, activation: 'linear' } }, output('squared', 4, null)]],
  ['conv s2 p1 tanh, avg pool 2, fc, squared, C', [input(2, 7), { kind: 'conv', params: { filters: 3, size: 3, stride: 2, padding: 1, activation: 'tanh' } }, { kind: 'pool', params: { mode: 'avg', size: 2, stride: 2 } }, { kind: 'fc', params: { units: 3, activation: 'linear' } }, output('squared', 3, 0.7)]],
  ['conv s1 p2 sigmoid, max pool 3 stride 2 (overlapping), softmax, C', [input(2, 6), { kind: 'conv', params: { filters: 2, size: 5, stride: 1, padding: 2, activation: 'sigmoid' } }, { kind: 'pool', params: { mode: 'max', size: 3, stride: 2 } }, { kind: 'fc', params: { units: 5, activation: 'linear' } }, output('softmax_ce', 5, 2)]],
  ['conv leaky relu s2 p2, avg pool 3, two fc (tanh, sigmoid), softmax', [input(1, 9), { kind: 'conv', params: { filters: 3, size: 3, stride: 2, padding: 2, activation: 'leaky_relu', leak: 0.1 } }, { kind: 'pool', params: { mode: 'avg', size: 3, stride: 3 } }, { kind: 'fc', params: { units: 4, activation: 'tanh' } }, { kind: 'fc', params: { units: 3, activation: 'sigmoid' } }, output('softmax_ce', 3, null)]],
  ['two convs (linear, relu), stand-alone activations, fc relu + leaky', [input(2, 5), { kind: 'conv', params: { filters: 2, size: 2, stride: 1, padding: 1, activation: 'linear' } }, { kind: 'activation', params: { fn: 'tanh' } }, { kind: 'conv', params: { filters: 3, size: 3, stride: 1, padding: 0, activation: 'relu' } }, { kind: 'pool', params: { mode: 'max', size: 2, stride: 1 } }, { kind: 'activation', params: { fn: 'leaky_relu', leak: 0.2 } }, { kind: 'fc', params: { units: 4, activation: 'relu' } }, { kind: 'fc', params: { units: 3, activation: 'leaky_relu' } }, output('squared', 3, 1.5)]],
  ['pool before the first conv, stand-alone sigmoid and linear', [input(1, 8), { kind: 'pool', params: { mode: 'max', size: 2, stride: 2 } }, { kind: 'conv', params: { filters: 2, size: 3, stride: 1, padding: 1, activation: 'linear' } }, { kind: 'activation', params: { fn: 'sigmoid' } }, { kind: 'activation', params: { fn: 'linear' } }, { kind: 'fc', params: { units: 3, activation: 'linear' } }, output('softmax_ce', 3, 0.3)]],
  // 1x1 maps with several channels: the padded map fits the filter (issue 13, item 14)
  ['avg pool to 3x1x1, then conv 3x3 pad 1 and conv 3x3 pad 2 (1x1 -> 3x3), fc', [input(3, 7), { kind: 'conv', params: { filters: 3, size: 3, stride: 1, padding: 0, activation: 'tanh' } }, { kind: 'pool', params: { mode: 'avg', size: 3, stride: 3 } }, { kind: 'conv', params: { filters: 4, size: 3, stride: 1, padding: 1, activation: 'sigmoid' } }, { kind: 'conv', params: { filters: 2, size: 3, stride: 2, padding: 2, activation: 'tanh' } }, { kind: 'fc', params: { units: 3, activation: 'linear' } }, output('softmax_ce', 3, 0.5)]],
  ['1x1 input with 4 channels, conv 3x3 pad 1, max pool 1, 1x1 conv after an fc', [input(4, 1), { kind: 'conv', params: { filters: 3, size: 3, stride: 1, padding: 1, activation: 'leaky_relu', leak: 0.1 } }, { kind: 'pool', params: { mode: 'max', size: 1, stride: 1 } }, { kind: 'fc', params: { units: 5, activation: 'tanh' } }, { kind: 'conv', params: { filters: 3, size: 1, stride: 1, padding: 0, activation: 'linear' } }, output('squared', 3, null)]],
];

describe('gradient of f against central finite differences (float64)', () => {
  it.each(cases)('%s', (_name, layers) => {
    const spec = specOf(layers);
    // capacity 2 for 5 instances also exercises chunked accumulation
    const { network, x, labels, count } = makeProblem(spec, createReferenceBackend(), 5, 2, 7);
    network.objectiveAndGradient(x, labels, count);
    const analytic = network.getGradients();
    const params = network.getParameters();
    const eps = 1e-5;
    for (let t = 0; t < params.length; t++) {
      const theta = params[t].values;
      const numeric = new Float64Array(theta.length);
      for (let j = 0; j < theta.length; j++) {
        const saved = theta[j];
        theta[j] = saved + eps;
        network.setParameters(params);
        const fPlus = network.evaluate(x, labels, count).f;
        theta[j] = saved - eps;
        network.setParameters(params);
        const fMinus = network.evaluate(x, labels, count).f;
        theta[j] = saved;
        numeric[j] = (fPlus - fMinus) / (2 * eps);
      }
      network.setParameters(params);
      const err = relativeError(analytic[t].values, numeric);
      expect(err, `${params[t].layerId}.${params[t].name}`).toBeLessThan(1e-6);
    }
  });
});

describe('objective', () => {
  it('includes 1/(2C) theta^T theta and the mean loss', () => {
    const layers: ChainLayer[] = [input(1, 4), { kind: 'fc', params: { units: 3, activation: 'linear' } }, output('squared', 3, 4)];
    const { network, x, labels, count } = makeProblem(specOf(layers), createReferenceBackend(), 3);
    const params = network.getParameters();
    let thetaSq = 0;
    for (const p of params) for (const v of p.values) thetaSq += v * v;
    const z = network.scores(x, count);
    let loss = 0;
    for (let i = 0; i < count; i++) for (let j = 0; j < 3; j++) loss += (z[i * 3 + j] - (labels[i] === j ? 1 : 0)) ** 2;
    const value = network.evaluate(x, labels, count);
    expect(value.meanLoss).toBeCloseTo(loss / count, 12);
    expect(value.f).toBeCloseTo(thetaSq / 8 + loss / count, 12);
  });
});
