import { describe, expect, it } from 'vitest';
import { fromVecLayoutToHwc, toVecLayout, vecIndex } from '../../core/data/layout.js';

describe('vec layout (channel fastest, then row, then column)', () => {
  it('converts a 2x3 row-major grayscale image to column-major', () => {
    // rows: [1 2 3], [4 5 6]  -> vec = column by column: 1 4 2 5 3 6
    const rowMajor = [1, 2, 3, 4, 5, 6];
    const x = new Float32Array(6);
    toVecLayout(rowMajor, 0, { d: 1, a: 2, b: 3 }, 'hwc', x, 0);
    expect(Array.from(x)).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('puts channel c, row r, column k at c + d*(r + a*k) for interleaved and planar input', () => {
    const shape = { d: 3, a: 2, b: 3 };
    const value = (c: number, r: number, k: number) => 100 * c + 10 * r + k;
    const hwc: number[] = [];
    for (let r = 0; r < 2; r++) for (let k = 0; k < 3; k++) for (let c = 0; c < 3; c++) hwc.push(value(c, r, k));
    const chw: number[] = [];
    for (let c = 0; c < 3; c++) for (let r = 0; r < 2; r++) for (let k = 0; k < 3; k++) chw.push(value(c, r, k));
    const fromHwc = new Float32Array(18 + 2);
    const fromChw = new Float32Array(18);
    toVecLayout([-1, ...hwc], 1, shape, 'hwc', fromHwc, 2);
    toVecLayout(chw, 0, shape, 'chw', fromChw, 0);
    for (let c = 0; c < 3; c++) {
      for (let r = 0; r < 2; r++) {
        for (let k = 0; k < 3; k++) {
          expect(fromHwc[2 + vecIndex(shape, c, r, k)]).toBe(value(c, r, k));
          expect(fromChw[vecIndex(shape, c, r, k)]).toBe(value(c, r, k));
        }
      }
    }
    expect(vecIndex(shape, 2, 1, 2)).toBe(2 + 3 * (1 + 2 * 2));
    const back: number[] = new Array(18);
    fromVecLayoutToHwc(fromChw, 0, shape, back, 0);
    expect(back).toEqual(hwc);
  });
});
