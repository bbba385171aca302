import { describe, expect, it } from 'vitest';
import { createJsBackend, createReferenceBackend } from '../../core/compute/reference/typedArrayBackend';
import { Network } from '../../core/engine/network';
import { makeProblem, relativeError, specOf } from './helpers';
import { compileGraph } from '../../core/graph/compile';
import { parseGraphText } from '../../core/graph/parse';
import { readFileSync } from 'node:fs';

describe('float32 path', () => {
  it('agrees with float64 to float32 rounding on the 3-layer template (gradients of every layer)', () => {
    const spec = compileGraph(parseGraphText(readFileSync('resources/templates/simplenn-3layer.json', 'utf8'))).network!;
    const ref = makeProblem(spec, createReferenceBackend(), 4, 4, 3);
    const f32 = new Network(spec, createJsBackend(), { batchCapacity: 4 });
    f32.setParameters(ref.network.getParameters());
    const x32 = Float32Array.from(ref.x);
    const value64 = ref.network.objectiveAndGradient(Float64Array.from(x32), ref.labels, 4);
    const value32 = f32.objectiveAndGradient(x32, ref.labels, 4);
    expect(Math.abs(value32.f - value64.f) / value64.f).toBeLessThan(1e-5);
    const g64 = ref.network.getGradients();
    const g32 = f32.getGradients();
    for (let t = 0; t < g64.length; t++) expect(relativeError(g32[t].values, g64[t].values), `${g64[t].layerId}.${g64[t].name}`).toBeLessThan(2e-5);
  });
});

describe('He initialisation', () => {
  const spec = specOf([
    { kind: 'input', params: { channels: 3, height: 8, width: 8 } },
    { kind: 'conv', params: { filters: 16, size: 3, stride: 1, padding: 1, activation: 'relu' } },
    { kind: 'fc', params: { units: 10, activation: 'linear' } },
    { kind: 'output', params: { loss: 'squared', classes: 10, C: null } },
  ]);

  it('is reproducible from the seed and differs between seeds', () => {
    const a = new Network(spec, createReferenceBackend(), { batchCapacity: 1 });
    const b = new Network(spec, createReferenceBackend(), { batchCapacity: 1 });
    a.initialize(42);
    b.initialize(42);
    expect(a.getParameters()).toEqual(b.getParameters());
    b.initialize(43);
    expect(a.getParameters()[0].values).not.toEqual(b.getParameters()[0].values);
  });

  it('pins the first weights of seed 42 (the same on every machine)', () => {
    const a = new Network(spec, createReferenceBackend(), { batchCapacity: 1 });
    a.initialize(42);
    const W = a.getParameters()[0].values;
    // xoshiro128** seeded by splitmix32, Box-Muller, scaled by sqrt(2/K) with K = 3*3*3.
    expect(Array.from(W.slice(0, 3)).map((v) => Number(v.toFixed(10)))).toEqual([0.2795623241, 0.0525632188, 0.1089828878]);
  });

  it('draws W with variance 2/K and sets b to 0', () => {
    const a = new Network(spec, createReferenceBackend(), { batchCapacity: 1 });
    a.initialize(1);
    const [W, bias, W2] = a.getParameters().map((p) => ({ values: Array.from(p.values) }));
    const mean = W.values.reduce((s, v) => s + v, 0) / W.values.length;
    const variance = W.values.reduce((s, v) => s + (v - mean) ** 2, 0) / W.values.length;
    expect(variance).toBeGreaterThan((2 / 27) * 0.85);
    expect(variance).toBeLessThan((2 / 27) * 1.15);
    expect(Array.from(bias.values).every((v) => v === 0)).toBe(true);
    const variance2 = W2.values.reduce((s, v) => s + v * v, 0) / W2.values.length;
    expect(variance2).toBeGreaterThan((2 / 1024) * 0.85);
    expect(variance2).toBeLessThan((2 / 1024) * 1.15);
  });
});
