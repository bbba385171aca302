import { describe, expect, it } from 'vitest';
import { createReferenceBackend } from '../../core/compute/reference/typedArrayBackend';
import { buildPadIndexMap, buildPatchIndexMap, buildPoolWindowIndexMap, composeIndexMaps } from '../../core/engine/indexMaps';
import { Random } from '../../core/util/random';

const backend = createReferenceBackend();

function randomTensor(random: Random, n: number) {
  const values = new Float64Array(n);
  for (let j = 0; j < n; j++) values[j] = random.normal();
  return values;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j] * b[j];
  return s;
}

/** <P x, y> = <x, P^T y> for a gather P and its scatter-add transpose, over a batch. */
function adjointGap(map: Int32Array, sourceLength: number, count: number, seed: number): { lhs: number; rhs: number } {
  const random = new Random(seed);
  const m = backend.uploadIndexMap(map, sourceLength);
  const x = backend.wrap(randomTensor(random, sourceLength * count));
  const y = randomTensor(random, map.length * count);
  const Px = backend.allocate(map.length * count);
  backend.gather(x, m, Px, count);
  const PTy = backend.allocate(sourceLength * count);
  backend.scatterAdd(backend.wrap(y), m, PTy, count, false);
  return { lhs: dot(backend.read(Px), y), rhs: dot(backend.read(x), backend.read(PTy)) };
}

describe('index maps', () => {
  it('P_pad places Z inside a frame of zeros (d=2, 2x3, p=1)', () => {
    const map = buildPadIndexMap(2, 2, 3, 1);
    expect(map.length).toBe(2 * 4 * 5);
    // padded (row 1, col 1) is Z (0, 0); padded (0, *) is padding
    expect(map[0 + 2 * (1 + 4 * 1)]).toBe(0);
    expect(map[1 + 2 * (1 + 4 * 1)]).toBe(1);
    expect(map[1 + 2 * (2 + 4 * 3)]).toBe(1 + 2 * (1 + 2 * 2));
    expect(map[0 + 2 * (0 + 4 * 2)]).toBe(-1);
    expect(Array.from(map).filter((v) => v >= 0).sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
  });

  it('P_phi follows the lecture: row (i, j, c) with i fastest reads c + d((i + s p) + a_pad (j + s q))', () => {
    const d = 2, aPad = 5, bPad = 4, h = 2, s = 2;
    const map = buildPatchIndexMap(d, aPad, bPad, h, s);
    const aConv = 2, bConv = 2, rows = h * h * d;
    expect(map.length).toBe(rows * aConv * bConv);
    for (let q = 0; q < bConv; q++)
      for (let p = 0; p < aConv; p++)
        for (let c = 0; c < d; c++)
          for (let j = 0; j < h; j++)
            for (let i = 0; i < h; i++) expect(map[i + h * j + h * h * c + rows * (p + aConv * q)]).toBe(c + d * (i + s * p + aPad * (j + s * q)));
  });

  it('pool windows list each q x q window, window row fastest', () => {
    const map = buildPoolWindowIndexMap(1, 4, 4, 2, 2);
    // output (p=1, q=0) -> rows 2..3, cols 0..1
    expect(Array.from(map.subarray(4, 8))).toEqual([2, 3, 6, 7]);
    expect(map.length).toBe(16);
  });

  it.each([
    ['P_pad', buildPadIndexMap(3, 4, 5, 2), 3 * 4 * 5],
    ['P_phi stride 1', buildPatchIndexMap(2, 6, 5, 3, 1), 2 * 6 * 5],
    ['P_phi stride 2', buildPatchIndexMap(3, 7, 7, 3, 2), 3 * 7 * 7],
    ['P_phi P_pad', composeIndexMaps(buildPatchIndexMap(2, 8, 8, 5, 1), buildPadIndexMap(2, 4, 4, 2)), 2 * 4 * 4],
    ['pool windows 3 stride 2 (overlapping)', buildPoolWindowIndexMap(2, 7, 7, 3, 2), 2 * 7 * 7],
  ])('adjoint: <P x, y> = <x, P^T y> for %s', (_name, map, sourceLength) => {
    const { lhs, rhs } = adjointGap(map, sourceLength, 3, 11);
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-12 * Math.max(1, Math.abs(lhs)));
    expect(Math.abs(lhs)).toBeGreaterThan(1e-3);
  });

  it('adjoint: <P_pool x, y> = <x, P_pool^T y> for max and average pooling', () => {
    const random = new Random(5);
    const d = 2, a = 6, b = 6, size = 3, stride = 2, count = 3;
    const inSize = d * a * b;
    const windows = backend.uploadIndexMap(buildPoolWindowIndexMap(d, a, b, size, stride), inSize);
    const outSize = windows.length / (size * size);
    const x = backend.wrap(randomTensor(random, inSize * count));
    const y = randomTensor(random, outSize * count);
    // max: P_pool is the selection made on x itself
    const out = backend.allocate(outSize * count);
    const argmax = backend.allocateIndex(outSize * count);
    backend.maxPool(x, windows, size * size, out, argmax, count);
    const back = backend.allocate(inSize * count);
    backend.maxPoolBackward(backend.wrap(y), argmax, outSize * count, back, inSize * count);
    expect(dot(backend.read(out), y)).toBeCloseTo(dot(backend.read(x), backend.read(back)), 12);
    // the selection applied to another vector (R-operator pass) is the same linear map
    const x2 = backend.wrap(randomTensor(random, inSize * count));
    const selected = backend.allocate(outSize * count);
    backend.gatherArgmax(x2, argmax, outSize * count, selected);
    expect(dot(backend.read(selected), y)).toBeCloseTo(dot(backend.read(x2), backend.read(back)), 12);
    // average
    backend.avgPool(x, windows, size * size, out, count);
    backend.avgPoolBackward(backend.wrap(y), windows, size * size, back, count);
    expect(dot(backend.read(out), y)).toBeCloseTo(dot(backend.read(x), backend.read(back)), 12);
  });
});
