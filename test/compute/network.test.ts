/**
 * End to end: the same network on the same data gives the same objective and gradients on every
 * available backend as on the float64 reference, to float32 tolerance. Covers every layer option
 * (stride, padding, overlapping and average pools, each activation, both losses, chunked batches)
 * and the 3-layer simpleNN template.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComputeBackend } from '../../core/compute/backend';
import { createReferenceBackend } from '../../core/compute/reference/typedArrayBackend';
import { BACKEND_FACTORIES } from '../../core/compute/registry';
import { Network } from '../../core/engine/network';
import type { ChainLayer } from '../../core/graph/chain';
import { compileGraph, type NetworkSpec } from '../../core/graph/compile';
import { parseGraphText } from '../../core/graph/parse';
import { Random } from '../../core/util/random';
import { specOf } from '../engine/helpers';
import { gpujsModeFactories } from './gpujsModes';

execFileSync(process.execPath, ['scripts/build-wasm.mjs'], { stdio: 'inherit' });
// gpujs runs once per gpu.js mode (headlessgl under Xvfb where gl is built, and webasm).
const factories = [...BACKEND_FACTORIES.filter((f) => f.name !== 'reference' && f.name !== 'gpujs'), ...(await gpujsModeFactories())];
const availability = await Promise.all(factories.map(async (f) => ({ factory: f, label: 'label' in f ? f.label : f.name, status: await f.available() })));

const input = (channels: number, size: number): ChainLayer => ({ kind: 'input', params: { channels, height: size, width: size } });
const output = (loss: 'squared' | 'softmax_ce', classes: number, C: number | null): ChainLayer => ({ kind: 'output', params: { loss, classes, C } });

const cases: [string, () => NetworkSpec][] = [
  ['conv s2 p1 relu, overlapping max pool, fc, softmax, C', () => specOf([input(3, 11), { kind: 'conv', params: { filters: 5, size: 3, stride: 2, padding: 1, activation: 'relu' } }, { kind: 'pool', params: { mode: 'max', size: 3, stride: 2 } }, { kind: 'fc', params: { units: 7, activation: 'linear' } }, output('softmax_ce', 7, 3)])],
  ['conv tanh p2, avg pool, conv leaky, max pool, two fc, squared', () => specOf([input(2, 10), { kind: 'conv', params: { filters: 6, size: 5, stride: 1, padding: 2, activation: 'tanh' } }, { kind: 'pool', params: { mode: 'avg', size: 2, stride: 2 } }, { kind: 'conv', params: { filters: 9, size: 3, stride: 1, padding: 1, activation: 'leaky_relu', leak: 0.1 } }, { kind: 'pool', params: { mode: 'max', size: 2, stride: 2 } }, { kind: 'fc', params: { units: 11, activation: 'sigmoid' } }, { kind: 'fc', params: { units: 3, activation: 'linear' } }, output('squared', 3, null)])],
  ['stand-alone activations and a linear conv', () => specOf([input(1, 9), { kind: 'conv', params: { filters: 4, size: 2, stride: 1, padding: 0, activation: 'linear' } }, { kind: 'activation', params: { fn: 'sigmoid' } }, { kind: 'pool', params: { mode: 'max', size: 2, stride: 2 } }, { kind: 'activation', params: { fn: 'relu' } }, { kind: 'fc', params: { units: 5, activation: 'leaky_relu' } }, output('softmax_ce', 5, null)])],
  ['simpleNN 3-layer template', () => {
    const result = compileGraph(parseGraphText(readFileSync('resources/templates/simplenn-3layer.json', 'utf8')));
    if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
    return result.network!;
  }],
];

/** Norm-wise relative difference ||a - b|| / max(||a||, ||b||). */
function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let na = 0;
  let nb = 0;
  for (let j = 0; j < b.length; j++) {
    diff += (a[j] - b[j]) ** 2;
    na += a[j] ** 2;
    nb += b[j] ** 2;
  }
  return Math.sqrt(diff) / Math.max(Math.sqrt(na), Math.sqrt(nb), 1e-30);
}

function run(spec: NetworkSpec, backend: ComputeBackend) {
  // 7 instances in chunks of 3: chunked accumulation of the gradients too.
  const network = new Network(spec, backend, { batchCapacity: 3 });
  network.initialize(11);
  const random = new Random(5);
  const count = 7;
  const x = new Float32Array(count * network.inputSize);
  for (let j = 0; j < x.length; j++) x[j] = random.normal();
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) labels[i] = random.int(spec.classes);
  const value = network.objectiveAndGradient(x, labels, count);
  return { value, gradients: network.getGradients() };
}

describe.each(availability)('gradients on $label match the float64 reference', ({ factory, status }) => {
  if (!status.ok) {
    it.skip(`unavailable here: ${status.reason}`, () => {});
    return;
  }
  let backend: ComputeBackend;
  beforeAll(async () => {
    backend = await factory.create();
  });
  afterAll(() => backend?.dispose());

  it.each(cases)('%s', (_name, makeSpec) => {
    const spec = makeSpec();
    const want = run(spec, createReferenceBackend());
    const got = run(spec, backend);
    expect(Math.abs(got.value.f - want.value.f) / Math.max(1, Math.abs(want.value.f))).toBeLessThan(1e-5);
    expect(got.value.correct).toBe(want.value.correct);
    expect(got.gradients.length).toBe(want.gradients.length);
    for (let t = 0; t < want.gradients.length; t++) {
      const g = want.gradients[t];
      expect(relativeDifference(got.gradients[t].values, g.values), `${g.layerId}.${g.name}`).toBeLessThan(1e-4);
    }
  });
});
