import { describe, expect, it } from 'vitest';
import { Augmenter } from '../../core/data/augment.js';
import { toVecLayout } from '../../core/data/layout.js';
import { Random } from '../../core/util/random.js';

const shape = { d: 2, a: 3, b: 4 };
// channel c at row r, column k holds 100c + 10r + k + 1 (never 0)
const value = (c: number, r: number, k: number) => 100 * c + 10 * r + k + 1;

function image(): Float32Array {
  const hwc: number[] = [];
  for (let r = 0; r < 3; r++) for (let k = 0; k < 4; k++) for (let c = 0; c < 2; c++) hwc.push(value(c, r, k));
  const x = new Float32Array(24);
  toVecLayout(hwc, 0, shape, 'hwc', x, 0);
  return x;
}

const at = (x: Float32Array, c: number, r: number, k: number, offset = 0) => x[offset + c + 2 * (r + 3 * k)];

describe('augmentation', () => {
  it('flips horizontally', () => {
    const x = image();
    new Augmenter(shape, { maxShift: 0, horizontalFlip: true }).transform(x, 0, true, 0, 0);
    for (let c = 0; c < 2; c++) for (let r = 0; r < 3; r++) for (let k = 0; k < 4; k++) expect(at(x, c, r, k)).toBe(value(c, r, 3 - k));
  });

  it('shifts with zero fill', () => {
    const x = image();
    new Augmenter(shape, { maxShift: 2, horizontalFlip: false }).transform(x, 0, false, 1, -2);
    for (let c = 0; c < 2; c++) {
      for (let r = 0; r < 3; r++) {
        for (let k = 0; k < 4; k++) {
          const [sr, sk] = [r - 1, k + 2];
          expect(at(x, c, r, k)).toBe(sr >= 0 && sk < 4 ? value(c, sr, sk) : 0);
        }
      }
    }
  });

  it('is deterministic given the Random, touches only the first n instances, and varies between instances', () => {
    const batch = new Float32Array(24 * 8);
    for (let i = 0; i < 8; i++) batch.set(image(), 24 * i);
    const a = batch.slice();
    const b = batch.slice();
    const augmenter = new Augmenter(shape, { maxShift: 1, horizontalFlip: true });
    augmenter.apply(a, 7, new Random(5));
    augmenter.apply(b, 7, new Random(5));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a.subarray(24 * 7))).toEqual(Array.from(image()));
    const distinct = new Set(Array.from({ length: 7 }, (_, i) => a.subarray(24 * i, 24 * (i + 1)).join(',')));
    expect(distinct.size).toBeGreaterThan(2);
    // every augmented instance is the original under some flip and shift
    const candidates = new Set<string>();
    for (const flip of [false, true]) {
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const x = image();
          augmenter.transform(x, 0, flip, dy, dx);
          candidates.add(x.join(','));
        }
      }
    }
    for (let i = 0; i < 7; i++) expect(candidates.has(a.subarray(24 * i, 24 * (i + 1)).join(','))).toBe(true);
  });

  it('rejects a negative or fractional shift', () => {
    expect(() => new Augmenter(shape, { maxShift: -1, horizontalFlip: false })).toThrow('maxShift must be a non-negative integer, got -1');
  });
});
