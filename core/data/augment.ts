/**
 * Optional augmentation of a training batch, in place in the batch buffer (vec layout): each
 * instance is flipped horizontally with probability 1/2 (when enabled), then shifted by
 * (dy, dx) drawn uniformly from [-maxShift, maxShift]; pixels shifted in are set to `fill`
 * (default 0; after mean subtraction 0 is the mean image, not black). Every choice comes from
 * the given Random, a fixed number of draws per instance, so a run is reproducible.
 */
import type { Shape } from '../graph/shape.js';
import { shapeSize } from '../graph/shape.js';
import type { Random } from '../util/random.js';

export interface AugmentOptions {
  /** Shift by up to this many pixels in each direction; 0 disables shifting. */
  maxShift: number;
  horizontalFlip: boolean;
  fill?: number;
}

export class Augmenter {
  private readonly scratch: Float32Array;
  private readonly size: number;
  private readonly fill: number;

  constructor(
    readonly shape: Shape,
    readonly options: AugmentOptions,
  ) {
    if (!Number.isInteger(options.maxShift) || options.maxShift < 0) throw new Error(`augmentation maxShift must be a non-negative integer, got ${options.maxShift}`);
    this.size = shapeSize(shape);
    this.scratch = new Float32Array(this.size);
    this.fill = options.fill ?? 0;
  }

  get enabled(): boolean {
    return this.options.maxShift > 0 || this.options.horizontalFlip;
  }

  /** Augments instances 0 .. n-1 of x in place. Allocates nothing. */
  apply(x: Float32Array, n: number, random: Random): void {
    const k = this.options.maxShift;
    for (let i = 0; i < n; i++) {
      const flip = this.options.horizontalFlip && random.uniform() < 0.5;
      const dy = k > 0 ? random.int(2 * k + 1) - k : 0;
      const dx = k > 0 ? random.int(2 * k + 1) - k : 0;
      if (flip || dy !== 0 || dx !== 0) this.transform(x, i * this.size, flip, dy, dx);
    }
  }

  /** out(c, r, col) = in(c, r - dy, source column) with the source column flipped first, then shifted by dx. */
  transform(x: Float32Array, offset: number, flip: boolean, dy: number, dx: number): void {
    const { d, a, b } = this.shape;
    const column = d * a;
    const scratch = this.scratch;
    for (let v = 0; v < this.size; v++) scratch[v] = x[offset + v];
    for (let col = 0; col < b; col++) {
      const shifted = col - dx;
      const source = flip ? b - 1 - shifted : shifted;
      const out = offset + col * column;
      if (shifted < 0 || shifted >= b) {
        for (let v = 0; v < column; v++) x[out + v] = this.fill;
        continue;
      }
      const inBase = source * column;
      for (let r = 0; r < a; r++) {
        const sr = r - dy;
        const o = out + r * d;
        if (sr < 0 || sr >= a) {
          for (let c = 0; c < d; c++) x[o + c] = this.fill;
        } else {
          const s = inBase + sr * d;
          for (let c = 0; c < d; c++) x[o + c] = scratch[s + c];
        }
      }
    }
  }
}
