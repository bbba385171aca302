import { describe, expect, it } from 'vitest';
import { classCounts, copyBatch, makeDataset, subsetDataset } from '../../core/data/dataset.js';

function tiny() {
  // 4 instances of shape 1x1x2: instance i holds [10i, 10i+1]
  const x = Float32Array.from({ length: 8 }, (_, v) => 10 * Math.floor(v / 2) + (v % 2));
  return makeDataset({ shape: { d: 1, a: 1, b: 2 }, x, labels: Int32Array.of(0, 1, 1, 2), classes: 3, source: 'tiny', rawRange: { min: 0, max: 255 } });
}

describe('Dataset', () => {
  it('copies the chosen instances and labels into caller buffers', () => {
    const ds = tiny();
    const xOut = new Float32Array(6).fill(-1);
    const yOut = new Int32Array(3).fill(-1);
    expect(copyBatch(ds, Int32Array.of(3, 0, 2), xOut, yOut, 2)).toBe(2);
    expect(Array.from(xOut)).toEqual([30, 31, 0, 1, -1, -1]);
    expect(Array.from(yOut)).toEqual([2, 0, -1]);
  });

  it('rejects indices outside the data and buffers that are too small', () => {
    const ds = tiny();
    expect(() => copyBatch(ds, [4], new Float32Array(2), new Int32Array(1))).toThrow('index 4 is outside [0, 4)');
    expect(() => copyBatch(ds, [0, 1], new Float32Array(2), new Int32Array(2))).toThrow('cannot hold 2');
  });

  it('fingerprints values and labels', () => {
    const a = tiny();
    const b = tiny();
    expect(a.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(b.fingerprint).toBe(a.fingerprint);
    const relabelled = makeDataset({ ...a, labels: Int32Array.of(0, 1, 2, 2) });
    const changed = makeDataset({ ...a, x: a.x.map((v, i) => (i === 5 ? v + 1 : v)) });
    expect(relabelled.fingerprint).not.toBe(a.fingerprint);
    expect(changed.fingerprint).not.toBe(a.fingerprint);
  });

  it('rejects labels outside the classes and sizes that do not match', () => {
    const a = tiny();
    expect(() => makeDataset({ ...a, labels: Int32Array.of(0, 1, 3, 2) })).toThrow('tiny: label 3 of instance 2 is outside [0, 3)');
    expect(() => makeDataset({ ...a, x: new Float32Array(7) })).toThrow('4 labels need 8 values of shape 1x1x2, got 7');
  });

  it('makes subsets and counts classes', () => {
    const sub = subsetDataset(tiny(), [2, 1], 'validation');
    expect(sub.count).toBe(2);
    expect(Array.from(sub.x)).toEqual([20, 21, 10, 11]);
    expect(sub.source).toBe('tiny (validation)');
    expect(classCounts(tiny())).toEqual([1, 2, 1]);
  });
});
