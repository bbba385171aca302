import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildPoolWindowIndexMap } from '../../core/engine/indexMaps';
import { buildChainGraph, type ChainLayer } from '../../core/graph/chain';
import type { LayerSpec, NetworkSpec } from '../../core/graph/compile';
import type { ActivationKind } from '../../core/graph/format';
import { parseGraphText } from '../../core/graph/parse';
import { buildInspectionNetwork, compileForInspection } from '../../core/inspect/inspectionNetwork';
import type { LectureStep, LectureWalk } from '../../core/api/lecture';
import { packSteps } from '../../core/inspect/lecture/builtStep';
import { lectureWalk } from '../../core/inspect/lecture/lectureWalk';
import { checkLectureStep } from '../../core/inspect/lecture/stepCheck';
import { Random } from '../../core/util/random';

const template = (id: string) => parseGraphText(readFileSync(new URL(`../../resources/templates/${id}.json`, import.meta.url), 'utf8'));

const input = (channels: number, size: number): ChainLayer => ({ kind: 'input', params: { channels, height: size, width: size } });
/** Stride, padding, average pooling, leaky ReLU, softmax, overlapping max pooling, activation nodes, every sigma. */
const OPTIONS_NET: ChainLayer[] = [
  input(2, 9),
  { kind: 'conv', params: { filters: 3, size: 3, stride: 2, padding: 1, activation: 'leaky_relu', leak: 0.1 } },
  { kind: 'pool', params: { mode: 'avg', size: 2, stride: 1 } },
  { kind: 'conv', params: { filters: 4, size: 2, stride: 1, padding: 1, activation: 'linear' } },
  { kind: 'activation', params: { fn: 'sigmoid' } },
  { kind: 'pool', params: { mode: 'max', size: 3, stride: 2 } },
  { kind: 'fc', params: { units: 5, activation: 'tanh' } },
  { kind: 'activation', params: { fn: 'relu' } },
  { kind: 'fc', params: { units: 3, activation: 'linear' } },
  { kind: 'output', params: { loss: 'softmax_ce', classes: 3, C: 0.25 } },
];
/** A pooling node before the first affine layer, squared loss without C, sigmoid and ReLU inside layers. */
const POOL_FIRST_NET: ChainLayer[] = [
  input(1, 8),
  { kind: 'pool', params: { mode: 'max', size: 2, stride: 2 } },
  { kind: 'conv', params: { filters: 2, size: 3, stride: 1, padding: 0, activation: 'relu' } },
  { kind: 'fc', params: { units: 4, activation: 'sigmoid' } },
  { kind: 'activation', params: { fn: 'leaky_relu', leak: 0.2 } },
  { kind: 'fc', params: { units: 3, activation: 'linear' } },
  { kind: 'output', params: { loss: 'squared', classes: 3, C: null } },
];

function walkOf(spec: NetworkSpec, seed = 5) {
  const network = buildInspectionNetwork(spec, 1, null, seed);
  // Nonzero biases, so b 1^T is tested too (He initialisation sets b = 0).
  const random = new Random(seed + 1);
  network.setParameters(network.getParameters().map((p) => (p.name === 'b' ? { ...p, values: Float64Array.from(p.values, () => 0.1 * random.normal()) } : p)));
  const x = Float64Array.from({ length: network.inputSize }, () => random.normal());
  const label = random.int(spec.classes);
  return { network, x, label, walk: lectureWalk(network, x, label, 'test') };
}

const sigma = (kind: ActivationKind, leak: number, s: number) =>
  kind === 'relu' ? Math.max(s, 0) : kind === 'leaky_relu' ? (s > 0 ? s : leak * s) : kind === 'tanh' ? Math.tanh(s) : kind === 'sigmoid' ? 1 / (1 + Math.exp(-s)) : s;
/** sigma'(s) from a = sigma(s) (the engine's convention at kinks: relu' (0) = 0). */
const sigmaPrime = (kind: ActivationKind, leak: number, a: number) =>
  kind === 'relu' ? (a > 0 ? 1 : 0) : kind === 'leaky_relu' ? (a > 0 ? 1 : leak) : kind === 'tanh' ? 1 - a * a : kind === 'sigmoid' ? a * (1 - a) : 1;

/** C = A B (A m x k, B k x n, column-major), or with transposes. */
function product(A: number[], B: number[], m: number, k: number, n: number, transA = false, transB = false): Float64Array {
  const out = new Float64Array(m * n);
  for (let c = 0; c < n; c++)
    for (let r = 0; r < m; r++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += (transA ? A[t + k * r] : A[r + m * t]) * (transB ? B[c + n * t] : B[t + k * c]);
      out[r + m * c] = s;
    }
  return out;
}

/** Every quantity of the step, recomputed in float64 from the matrices the walk displayed (by key). */
function recompute(step: LectureStep, spec: NetworkSpec, get: (key: string) => number[], walk: LectureWalk): ArrayLike<number> | number | null {
  const [phase, nodeId, what] = step.id.split(':');
  const k = spec.layers.findIndex((l) => l.nodeId === nodeId);
  const layer = spec.layers[k] as LayerSpec;
  const map = (key: string) => walk.maps[step.indexMaps.find((m) => m.key.startsWith(key))!.key];
  const n = spec.layers.length;
  if (phase === 'objective') {
    const z = get(`A${n}`);
    const y = get('y');
    const xi =
      spec.loss === 'squared' ? z.reduce((s, v, j) => s + (v - y[j]) ** 2, 0) : Math.log(z.reduce((s, v) => s + Math.exp(v), 0)) - z[walk.label];
    if (nodeId === 'loss') return xi;
    let thetaTheta = 0;
    spec.layers.forEach((l, j) => {
      if (l.kind === 'conv' || l.kind === 'fc') for (const key of [`W@${j}`, `b@${j}`]) thetaTheta += get(key).reduce((s, v) => s + v * v, 0);
    });
    expect(step.scalars.find((s) => s.key === 'thetaTheta')!.value).toBeCloseTo(thetaTheta, 10);
    return (spec.C === null ? 0 : thetaTheta / (2 * spec.C)) + xi;
  }
  if (phase === 'backward' && nodeId === 'loss') {
    const z = get(`A${n}`);
    const y = get('y');
    if (spec.loss === 'squared') return z.map((v, j) => 2 * (v - y[j]));
    const total = z.reduce((s, v) => s + Math.exp(v), 0);
    return z.map((v, j) => Math.exp(v) / total - y[j]);
  }
  if (what === 'kronecker') return null;
  if (phase === 'forward') {
    if (what === 'pad') return Array.from(map('Ppad'), (j) => (j >= 0 ? get(`A${k}`)[j] : 0));
    if (what === 'phi') return layer.kind === 'fc' ? get(`A${k}`) : Array.from(map('Pphi'), (j) => get(`padZ@${k}`)[j]);
    if (what === 'S') {
      const W = step.matrices.find((m) => m.key === `W@${k}`)!;
      const P = layer.outShape.a * layer.outShape.b;
      const S = product(walk.values[W.key], get(`phi@${k}`), W.rows, W.cols, P);
      const b = get(`b@${k}`);
      return S.map((v, j) => v + b[j % W.rows]);
    }
    if (what === 'sigma') {
      const l = layer as LayerSpec & { activation: ActivationKind; leak: number };
      return get(l.kind === 'activation' ? `A${k}` : `S@${k}`).map((s) => sigma(l.activation, l.leak, s));
    }
    if (what === 'pool') {
      const l = layer as LayerSpec & { kind: 'pool' };
      const zin = get(`A${k}`);
      const windows = buildPoolWindowIndexMap(l.inShape.d, l.inShape.a, l.inShape.b, l.size, l.stride);
      const q = l.size * l.size;
      const out = new Float64Array(windows.length / q);
      for (let o = 0; o < out.length; o++) {
        const values = Array.from(windows.subarray(o * q, (o + 1) * q), (j) => zin[j]);
        out[o] = l.mode === 'max' ? Math.max(...values) : values.reduce((s, v) => s + v, 0) / q;
        if (l.mode === 'max') expect(zin[map('Ppool')[o]]).toBe(out[o]); // P_pool selects the window's maximum
      }
      return out;
    }
  }
  const dOut = () => get(`dA${k + 1}`);
  if (what === 'pool') {
    const l = layer as LayerSpec & { kind: 'pool' };
    const size = l.inShape.d * l.inShape.a * l.inShape.b;
    const out = new Float64Array(size);
    const m = map('Ppool');
    const q = l.size * l.size;
    dOut().forEach((v, o) => {
      if (l.mode === 'max') out[m[o]] += v;
      else for (let t = 0; t < q; t++) out[m[o * q + t]] += v / q;
    });
    return out;
  }
  if (what === 'sigma') {
    const l = layer as LayerSpec & { kind: 'activation' };
    const a = get(`A${k + 1}`);
    const sp = walk.values[`sigmaPrime@${k}`];
    sp.forEach((v, j) => expect(v).toBe(sigmaPrime(l.activation, l.leak, a[j])));
    return dOut().map((v, j) => v * sp[j]);
  }
  const l = layer as LayerSpec & { kind: 'conv' | 'fc' };
  const W = get(`W@${k}`);
  const rows = l.outShape.d;
  const K = W.length / rows;
  const P = l.outShape.a * l.outShape.b;
  const withC = (g: ArrayLike<number>, theta: number[]) => Array.from(g, (v, j) => v + (spec.C === null ? 0 : theta[j] / spec.C!));
  if (what === 'dS') {
    const a = get(`A${k + 1}`);
    const sp = walk.values[`sigmaPrime@${k}`];
    sp.forEach((v, j) => expect(v).toBe(sigmaPrime(l.activation, l.leak, a[j])));
    return dOut().map((v, j) => v * sp[j]);
  }
  if (what === 'dW') {
    const dW = product(get(`dS@${k}`), get(`phi@${k}`), rows, P, K, false, true);
    expectClose(walk.values[`fW@${k}`], withC(dW, W), `${step.id} fW`);
    return dW;
  }
  if (what === 'db') {
    const dS = get(`dS@${k}`);
    const db = Array.from({ length: rows }, (_, r) => Array.from({ length: P }, (_, c) => dS[r + rows * c]).reduce((s, v) => s + v, 0));
    expectClose(walk.values[`fb@${k}`], withC(db, get(`b@${k}`)), `${step.id} fb`);
    return db;
  }
  // dZ
  const WtdS = product(W, get(`dS@${k}`), K, rows, P, true);
  if (l.kind === 'fc') return WtdS;
  expectClose(walk.values[`WtdS@${k}`], WtdS, `${step.id} WtdS`);
  const dPad = new Float64Array(walk.values[`dpadZ@${k}`].length);
  map('Pphi').forEach((j, t) => (dPad[j] += WtdS[t]));
  expectClose(walk.values[`dpadZ@${k}`], dPad, `${step.id} dpadZ`);
  const dZ = new Float64Array(l.inShape.d * l.inShape.a * l.inShape.b);
  map('Ppad').forEach((j, t) => j >= 0 && (dZ[j] += dPad[t]));
  return dZ;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string) {
  expect(actual.length, what).toBe(expected.length);
  let scale = 1e-300;
  for (let j = 0; j < expected.length; j++) scale = Math.max(scale, Math.abs(expected[j]));
  for (let j = 0; j < expected.length; j++) if (!(Math.abs(actual[j] - expected[j]) <= 1e-10 * scale)) expect(actual[j], `${what}[${j}]`).toBe(expected[j]);
}

/**
 * Walks the steps in order: each result must equal its float64 recomputation from what the steps
 * before it displayed (a key is usable once a step showed it; a key shown twice holds one set of
 * values: packSteps refuses two).
 */
function verifyWalk(spec: NetworkSpec, walk: LectureWalk) {
  const seen = new Set<string>();
  const get = (key: string) => {
    if (!seen.has(key)) throw new Error(`the walk uses ${key} before any step displayed it`);
    return walk.values[key];
  };
  seen.add(walk.steps[0].matrices[0].key);
  for (const step of walk.steps) {
    for (const m of step.matrices) {
      expect(walk.values[m.key].length, `${step.id} ${m.key}`).toBe(m.rows * m.cols);
      // Parameters (W, b), the label's one-hot y and the operands a step introduces are the engine's inputs.
      if (m.key !== step.result) seen.add(m.key);
    }
    for (const p of step.indexMaps) expect(walk.maps[p.key].length, `${step.id} ${p.key}`).toBe(p.length);
    const expected = recompute(step, spec, get, walk);
    if (expected === null) continue;
    if (typeof expected === 'number') {
      const value = step.scalars.find((s) => s.key === step.result)!.value;
      expect(Math.abs(value - expected), step.id).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
      continue;
    }
    expectClose(walk.values[step.result!], expected, step.id);
    seen.add(step.result!);
  }
}

describe('Lecture mode walks the engine', () => {
  const cases: [string, NetworkSpec][] = [
    ['the simpleNN 3-layer template', compileForInspection(template('simplenn-3layer'))],
    ['LeNet-5', compileForInspection(template('lenet5'))],
    ['a strided / padded / average-pool / leaky-ReLU / softmax net', compileForInspection(buildChainGraph('options', OPTIONS_NET))],
    ['a net with pooling first, squared loss and no C', compileForInspection(buildChainGraph('pool-first', POOL_FIRST_NET))],
  ];

  for (const [name, spec] of cases)
    it(`every step of ${name}, recomputed in float64 from what earlier steps showed, is the engine's value`, () => {
      const { network, x, label, walk } = walkOf(spec);
      verifyWalk(spec, walk);
      // The ends of the walk against the engine's own calls.
      const n = spec.layers.length;
      const scores = walk.steps.find((s) => s.id === 'objective:loss')!.matrices.find((m) => m.key === `A${n}`)!;
      expect(walk.values[scores.key]).toEqual(Array.from(network.scores(x, 1)));
      const objective = network.objectiveAndGradient(x, [label], 1);
      expect(walk.steps.find((s) => s.id === 'objective:f')!.scalars.find((s) => s.key === 'f')!.value).toBeCloseTo(objective.f, 12);
      for (const g of network.getGradients()) {
        const k = spec.layers.findIndex((l) => l.nodeId === g.layerId);
        const shown = walk.steps.find((s) => s.id === `backward:${g.layerId}:d${g.name}`)!.matrices.find((m) => m.key === `f${g.name}@${k}`)!;
        expectClose(walk.values[shown.key], g.values, `${g.layerId}.${g.name}`);
      }
    });

  it('follows the lecture: forward node by node, the loss and f, then backward from the output down', () => {
    const spec = cases[0][1];
    const { walk } = walkOf(spec);
    const ids = walk.steps.map((s) => s.id);
    expect(ids.slice(0, 5)).toEqual(['forward:conv1:pad', 'forward:conv1:phi', 'forward:conv1:S', 'forward:conv1:sigma', 'forward:pool1:pool']);
    expect(ids.slice(ids.indexOf('objective:loss'), ids.indexOf('objective:loss') + 4)).toEqual(['objective:loss', 'objective:f', 'backward:loss', 'backward:fc1:kronecker']);
    expect(ids.slice(-4)).toEqual(['backward:pool1:pool', 'backward:conv1:dS', 'backward:conv1:dW', 'backward:conv1:db']);
    expect(new Set(ids).size).toBe(ids.length);
    const S = walk.steps.find((s) => s.id === 'forward:conv2:S')!;
    expect(S.tex).toBe('S^{2} = W^{2}\\,\\phi(\\mathrm{pad}(Z^{2})) + \\mathbf{b}^{2} \\mathbf{1}^T_{a_{\\mathrm{conv}}^{2} b_{\\mathrm{conv}}^{2}}');
    expect(S.matrices.map((m) => `${m.key} ${m.rows}x${m.cols}`)).toEqual(['W@2 64x288', 'phi@2 288x196', 'b@2 64x1', 'S@2 64x196']);
    expect(walk.maps[S.feeds!.patchMap!].length).toBe(288 * 196);
    expect(walk.steps.find((s) => s.id === 'forward:fc1:phi')!.tex).toBe('\\phi(\\mathrm{pad}(\\mathbf{z}^{4})) = \\mathcal{I}_{576}\\,\\mathbf{z}^{4}');
    expect(walk.steps.find((s) => s.id === 'objective:f')!.tex).toContain('\\frac{1}{2C}\\theta^T\\theta');
    expect(walk.steps.find((s) => s.id === 'forward:pool2:pool')!.tex).toMatch(/^Z\^\{3\} = /);
    expect(walk.steps.find((s) => s.id === 'forward:pool3:pool')!.tex).toMatch(/^\\mathbf\{z\}\^\{4\} = /);
    expect(walk.steps.filter((s) => s.gradient).length).toBe(walk.steps.filter((s) => s.phase === 'backward' && s.result !== null).length);
  });

  it('says there is no regulariser when C is not set (LeNet-5)', () => {
    const { walk } = walkOf(cases[1][1]);
    const f = walk.steps.find((s) => s.id === 'objective:f')!;
    expect(f.tex).not.toContain('C');
    expect(f.scalars.find((s) => s.key === 'reg')!.value).toBe(0);
    expect(f.scalars.find((s) => s.key === 'f')!.value).toBe(f.scalars.find((s) => s.key === 'meanLoss')!.value);
  });
});

describe('Check this step: central differences in float64', () => {
  for (const [name, layers] of [
    ['the options net', OPTIONS_NET],
    ['the pool-first net', POOL_FIRST_NET],
  ] as const)
    it(`agrees with every gradient step of ${name} to 1e-6`, () => {
      const spec = compileForInspection(buildChainGraph(name, layers));
      const { network, x, label, walk } = walkOf(spec);
      const gradients = walk.steps.filter((s) => s.gradient);
      expect(gradients.length).toBeGreaterThan(10);
      for (const step of gradients) {
        const check = checkLectureStep(network, x, label, walk, step.id);
        expect(check.probes.length, step.id).toBeGreaterThan(0);
        expect(check.maxRelativeError, step.id).toBeLessThan(1e-6);
      }
    });

  it('agrees on the 3-layer template at each kind of step (sampled entries and random directions)', () => {
    const { network, x, label, walk } = walkOf(compileForInspection(template('simplenn-3layer')));
    for (const id of ['backward:loss', 'backward:fc1:dW', 'backward:pool3:pool', 'backward:conv3:dS', 'backward:conv3:dZ', 'backward:conv2:db', 'backward:conv1:dW']) {
      const check = checkLectureStep(network, x, label, walk, id);
      expect(check.exhaustive || check.probes.some((p) => p.index === null), id).toBe(true);
      expect(check.maxRelativeError, id).toBeLessThan(1e-6);
    }
  });

  it('catches a wrong gradient: one entry of dxi/ds off by 30%, probed entry by entry', () => {
    const { network, x, label, walk } = walkOf(compileForInspection(buildChainGraph('options', OPTIONS_NET)));
    const step = walk.steps.find((s) => s.id === 'backward:fc1:dS')!;
    const dS = walk.values[step.result!];
    const j = dS.findIndex((v) => Math.abs(v) > 1e-3);
    dS[j] *= 1.3;
    const check = checkLectureStep(network, x, label, walk, step.id);
    expect(check.exhaustive).toBe(true);
    expect(check.probes.find((p) => p.index === j)!.relativeError).toBeGreaterThan(1e-2);
  });

  it('catches a wrong entry of a large gradient through the random directions', () => {
    const { network, x, label, walk } = walkOf(compileForInspection(buildChainGraph('options', OPTIONS_NET)));
    const step = walk.steps.find((s) => s.id === 'backward:conv2:dS')!;
    const dS = walk.values[step.result!];
    const j = dS.reduce((best, v, i) => (Math.abs(v) > Math.abs(dS[best]) ? i : best), 0);
    dS[j] *= 1.3;
    const check = checkLectureStep(network, x, label, walk, step.id, 1);
    expect(check.exhaustive).toBe(false);
    const directions = check.probes.filter((p) => p.index === null);
    expect(directions.length).toBe(3);
    expect(directions.every((p) => p.relativeError > 1e-3 && !p.kink)).toBe(true);
    expect(check.maxRelativeError).toBeGreaterThan(1e-3);
  });

  it('tells a max-pool tie (no derivative) from a wrong gradient: the shown value lies between the one-sided slopes', () => {
    const { network, x, label, walk } = walkOf(compileForInspection(template('simplenn-3layer')));
    const check = checkLectureStep(network, x, label, walk, 'backward:pool3:pool');
    expect(check.maxRelativeError).toBeLessThan(1e-6);
    expect(check.probes.some((q) => q.kink)).toBe(true); // this instance has ties (zeros after ReLU) in pool3's windows
    for (const p of check.probes.filter((q) => q.kink && q.index !== null)) expect(Math.min(p.kink!.left, p.kink!.right) <= p.analytic && p.analytic <= Math.max(p.kink!.left, p.kink!.right)).toBe(true);
  });

  it('refuses a step that shows no gradient', () => {
    const { network, x, label, walk } = walkOf(compileForInspection(buildChainGraph('options', OPTIONS_NET)));
    expect(() => checkLectureStep(network, x, label, walk, 'forward:conv1:S')).toThrow(/no gradient to check/);
    expect(() => checkLectureStep(network, x, label, walk, 'nope')).toThrow(/no step "nope"/);
  });
});

describe('the walk sent once per key', () => {
  it('holds each matrix once, and refuses a key shown with two sets of values', () => {
    const { walk } = walkOf(compileForInspection(buildChainGraph('options', OPTIONS_NET)));
    const shown = walk.steps.flatMap((s) => s.matrices.map((m) => m.key));
    expect(shown.length).toBeGreaterThan(new Set(shown).size); // steps share operands
    expect(Object.keys(walk.values).sort()).toEqual([...new Set(shown)].sort());
    const step = (values: number[]) => ({ id: 's', phase: 'forward' as const, nodeId: null, m: null, title: 't', tex: 'x', note: '', scalars: [], indexMaps: [], result: 'A0', matrices: [{ key: 'A0', tex: 'Z', rows: 1, cols: 2, values }] });
    expect(packSteps([step([1, 2]), step([1, 2])]).values).toEqual({ A0: [1, 2] });
    expect(() => packSteps([step([1, 2]), step([1, 3])])).toThrow(/step s shows A0 with other values than an earlier step/);
  });
});
