/**
 * The engine's instance layout is vec(Z) with Z of size d x (a*b), column-major: the channel
 * index runs fastest, then the row (height), then the column (width). Channel c at row r,
 * column k sits at c + d*(r + a*k).
 *
 * Files and image decoders give row-major pixels with interleaved channels ("HWC": channel
 * fastest, then column, then row) or planar channels ("CHW": column fastest, then row, then
 * channel). These functions convert one instance into the vec layout.
 */
import type { Shape } from '../graph/shape.js';

export type PixelOrder = 'hwc' | 'chw';

/** Index of channel c, row r, column k in vec(Z). */
export function vecIndex(shape: Shape, c: number, r: number, k: number): number {
  return c + shape.d * (r + shape.a * k);
}

/**
 * Copies one instance given in `order` from source[sourceOffset ...] into
 * target[targetOffset ...] in the vec layout. Works on any numeric array-like source (bytes,
 * floats) and writes numbers into a Float32Array.
 */
export function toVecLayout(
  source: ArrayLike<number>,
  sourceOffset: number,
  shape: Shape,
  order: PixelOrder,
  target: Float32Array,
  targetOffset: number,
): void {
  const { d, a, b } = shape;
  // Strides of channel, row and column in the source.
  const [sc, sr, sk] = order === 'hwc' ? [1, b * d, d] : [a * b, b, 1];
  for (let k = 0; k < b; k++) {
    for (let r = 0; r < a; r++) {
      const t = targetOffset + d * (r + a * k);
      const s = sourceOffset + r * sr + k * sk;
      for (let c = 0; c < d; c++) target[t + c] = source[s + c * sc];
    }
  }
}

/** The inverse of toVecLayout for HWC: writes one vec-layout instance as interleaved row-major values. */
export function fromVecLayoutToHwc(
  source: Float32Array,
  sourceOffset: number,
  shape: Shape,
  target: { [i: number]: number },
  targetOffset: number,
): void {
  const { d, a, b } = shape;
  for (let r = 0; r < a; r++) {
    for (let k = 0; k < b; k++) {
      const t = targetOffset + (r * b + k) * d;
      const s = sourceOffset + d * (r + a * k);
      for (let c = 0; c < d; c++) target[t + c] = source[s + c];
    }
  }
}
