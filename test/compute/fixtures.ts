/** Random data and index maps for the compute conformance suite. */
import { Random } from '../../core/util/random';

/** Values in [-1, 1), already rounded to float32 so every backend gets exactly the same inputs. */
export function randomValues(random: Random, n: number): Float64Array {
  const v = new Float64Array(n);
  for (let j = 0; j < n; j++) v[j] = Math.fround(random.uniform() * 2 - 1);
  return v;
}

/** A map of `length` entries into a source of `sourceLength`, with repeats and about 1 in 7 entries -1. */
export function randomIndexMap(random: Random, length: number, sourceLength: number): Int32Array {
  const map = new Int32Array(length);
  for (let j = 0; j < length; j++) map[j] = random.int(7) === 0 ? -1 : random.int(sourceLength);
  return map;
}

/** Overlapping pooling windows (size > stride) over a d x a x b instance, window row fastest. */
export function poolWindows(d: number, a: number, b: number, size: number, stride: number): { map: Int32Array; windowSize: number; outSize: number } {
  const aOut = Math.floor((a - size) / stride) + 1;
  const bOut = Math.floor((b - size) / stride) + 1;
  const windowSize = size * size;
  const outSize = d * aOut * bOut;
  const map = new Int32Array(outSize * windowSize);
  for (let q = 0; q < bOut; q++)
    for (let p = 0; p < aOut; p++)
      for (let c = 0; c < d; c++) {
        const o = c + d * (p + aOut * q);
        for (let j = 0; j < size; j++)
          for (let i = 0; i < size; i++) map[o * windowSize + i + size * j] = c + d * (stride * p + i + a * (stride * q + j));
      }
  return { map, windowSize, outSize };
}

/** Largest |x - y| over the first n entries, scaled by max(1, |y|). */
export function maxRelativeError(x: ArrayLike<number>, y: ArrayLike<number>, n = y.length): number {
  let worst = 0;
  for (let j = 0; j < n; j++) {
    const err = Math.abs(x[j] - y[j]) / Math.max(1, Math.abs(y[j]));
    if (!(err <= worst)) worst = err;
  }
  return worst;
}
