import { describe, expect, it } from 'vitest';
import { makeDataset, type Dataset } from '../../core/data/dataset.js';
import { applyPreprocessing, checkPreprocessing, fitPreprocessing, preprocessDataset } from '../../core/data/preprocessing.js';
import { Random } from '../../core/util/random.js';

/** n random byte images of shape 2x2x3 (d=2). */
function randomBytes(n: number, seed: number): Dataset {
  const random = new Random(seed);
  const x = Float32Array.from({ length: n * 12 }, (_, v) => random.int(256) * (v % 2 === 0 ? 1 : 0.5));
  return makeDataset({ shape: { d: 2, a: 2, b: 3 }, x, labels: new Int32Array(n), classes: 1, source: 'random', rawRange: { min: 0, max: 255 } });
}

function meansOf(x: Float32Array, size: number, group: (v: number) => number, groups: number) {
  const sum = new Float64Array(groups);
  const count = new Float64Array(groups);
  for (let i = 0; i < x.length; i++) {
    sum[group(i % size)] += x[i];
    count[group(i % size)]++;
  }
  return Array.from(sum, (s, g) => s / count[g]);
}

describe('preprocessing', () => {
  it('scales to [0,1] with the raw range only', () => {
    const ds = randomBytes(5, 1);
    const raw = ds.x.slice();
    const p = fitPreprocessing(ds, { mean: 'none' });
    preprocessDataset(ds, p);
    expect(p.meanValues).toEqual([]);
    ds.x.forEach((v, i) => expect(v).toBeCloseTo(raw[i] / 255, 6));
    expect(ds.preprocessing).toBe(p);
  });

  it("subtracts the per-pixel mean (simpleNN's default) so every training pixel has mean 0", () => {
    const ds = randomBytes(50, 2);
    const p = fitPreprocessing(ds);
    expect(p.mean).toBe('per-pixel');
    expect(p.meanValues).toHaveLength(12);
    preprocessDataset(ds, p);
    for (const m of meansOf(ds.x, 12, (v) => v, 12)) expect(Math.abs(m)).toBeLessThan(1e-6);
  });

  it('subtracts per-channel means and standardises per channel', () => {
    const ds = randomBytes(50, 3);
    const p = fitPreprocessing(ds, { mean: 'per-channel', standardize: true });
    expect(p.meanValues).toHaveLength(2);
    // channel 1 holds half the values of channel 0 (on average)
    expect(p.meanValues[1]).toBeCloseTo(p.meanValues[0] / 2, 1);
    preprocessDataset(ds, p);
    const channel = (v: number) => v % 2;
    for (const m of meansOf(ds.x, 12, channel, 2)) expect(Math.abs(m)).toBeLessThan(1e-6);
    const squares = Float32Array.from(ds.x, (v) => v * v);
    for (const s of meansOf(squares, 12, channel, 2)) expect(s).toBeCloseTo(1, 5);
  });

  it('fits on the training part only and applies the same transform to other data', () => {
    const train = randomBytes(40, 4);
    const test = randomBytes(10, 5);
    const rawTest = test.x.slice();
    const p = fitPreprocessing(train, { mean: 'per-pixel', standardize: true }, Int32Array.from({ length: 20 }, (_, i) => i));
    const restored = checkPreprocessing(JSON.parse(JSON.stringify(p)));
    preprocessDataset(test, restored);
    for (let i = 0; i < rawTest.length; i++) {
      const v = i % 12;
      expect(test.x[i]).toBeCloseTo((rawTest[i] / 255 - p.meanValues[v]) / p.stdValues[v], 5);
    }
  });

  it('keeps constant pixels finite when standardising', () => {
    const x = Float32Array.of(0, 7, 0, 9);
    const ds = makeDataset({ shape: { d: 1, a: 1, b: 2 }, x, labels: new Int32Array(2), classes: 1, source: 'const', rawRange: { min: 0, max: 255 } });
    const p = fitPreprocessing(ds, { standardize: true });
    expect(p.stdValues[0]).toBe(1);
    applyPreprocessing(p, ds.x);
    expect(Array.from(ds.x).every(Number.isFinite)).toBe(true);
  });

  it('rejects misuse and malformed saved objects, naming the field', () => {
    const ds = randomBytes(3, 6);
    const p = fitPreprocessing(ds);
    expect(() => fitPreprocessing(ds, { mean: 'none', standardize: true })).toThrow("choose mean 'per-pixel' or 'per-channel'");
    preprocessDataset(ds, p);
    expect(() => preprocessDataset(ds, p)).toThrow('random: already preprocessed');
    expect(() => fitPreprocessing(ds)).toThrow('already preprocessed');
    const other = makeDataset({ shape: { d: 1, a: 2, b: 6 }, x: new Float32Array(12), labels: new Int32Array(1), classes: 1, source: 'other', rawRange: { min: 0, max: 255 } });
    expect(() => preprocessDataset(other, p)).toThrow('other: images are 1x2x6 but the preprocessing was fitted on 2x2x3');
    expect(() => applyPreprocessing(p, new Float32Array(13))).toThrow('13 values are not whole instances of 12');
    expect(() => checkPreprocessing({ ...p, meanValues: [1, 2] }, 'model.json preprocessing')).toThrow('model.json preprocessing: meanValues must hold 12 numbers');
    expect(() => checkPreprocessing({ ...p, mean: 'median' })).toThrow('preprocessing: mean must be one of none, per-pixel, per-channel');
    expect(() => checkPreprocessing({ ...p, format: 'x' })).toThrow("format must be 'cnnwb-preprocessing'");
  });
});
