/**
 * Preprocessing fitted on the training set and kept as a plain JSON object, so it is saved with
 * a model and evaluation applies exactly the same transform:
 *
 *   x <- ((x - offset) * scale - mean) / std
 *
 * offset/scale map the raw range to [0,1] (or are 0/1 when scaling is off); mean and std are
 * per pixel (one value per entry of vec(Z), simpleNN's default), per channel (one per channel),
 * or absent.
 */
import type { Shape } from '../graph/shape.js';
import { formatShape, shapeSize } from '../graph/shape.js';
import type { Dataset, ValueRange } from './dataset.js';

export type MeanMode = 'none' | 'per-pixel' | 'per-channel';
export const MEAN_MODES: readonly MeanMode[] = ['none', 'per-pixel', 'per-channel'];

export interface PreprocessingOptions {
  /** Map the raw value range to [0,1]. Default true. */
  scaleToUnit?: boolean;
  /** Default 'per-pixel' (simpleNN). */
  mean?: MeanMode;
  /** Also divide by the standard deviation at the same granularity as the mean. Default false. */
  standardize?: boolean;
}

export interface Preprocessing {
  format: 'cnnwb-preprocessing';
  version: 1;
  shape: Shape;
  offset: number;
  scale: number;
  mean: MeanMode;
  /** d*a*b values (per-pixel, vec layout), d values (per-channel) or none. */
  meanValues: number[];
  standardize: boolean;
  /** Same length as meanValues when standardize, else empty. Never 0 (constant entries get 1). */
  stdValues: number[];
}

/** Fits preprocessing on the raw values of `dataset` (restricted to `indices` when given). */
export function fitPreprocessing(
  dataset: Pick<Dataset, 'shape' | 'x' | 'count' | 'rawRange' | 'preprocessing' | 'source'>,
  options: PreprocessingOptions = {},
  indices?: ArrayLike<number>,
): Preprocessing {
  if (dataset.preprocessing) throw new Error(`${dataset.source}: preprocessing is fitted on raw values, this data is already preprocessed`);
  const mean = options.mean ?? 'per-pixel';
  if (!MEAN_MODES.includes(mean)) throw new Error(`unknown mean mode '${mean}' (one of ${MEAN_MODES.join(', ')})`);
  const standardize = options.standardize ?? false;
  if (standardize && mean === 'none') throw new Error(`standardisation divides by a per-pixel or per-channel std: choose mean 'per-pixel' or 'per-channel'`);
  const { offset, scale } = options.scaleToUnit === false ? { offset: 0, scale: 1 } : unitScaling(dataset.rawRange);
  const { shape, x } = dataset;
  const size = shapeSize(shape);
  const d = shape.d;
  const n = indices ? indices.length : dataset.count;
  if (n === 0) throw new Error(`${dataset.source}: cannot fit preprocessing on 0 instances`);
  const groups = mean === 'per-pixel' ? size : mean === 'per-channel' ? d : 0;
  // Entry v of an instance belongs to group v (per pixel) or v % d (per channel: channel runs fastest).
  const groupOf = (v: number) => (mean === 'per-pixel' ? v : v % d);
  const perGroup = mean === 'per-pixel' ? n : (n * size) / Math.max(d, 1);
  const sum = new Float64Array(groups);
  const sumSquares = new Float64Array(groups);
  if (groups > 0) {
    for (let j = 0; j < n; j++) {
      const base = (indices ? indices[j] : j) * size;
      for (let v = 0; v < size; v++) {
        const value = (x[base + v] - offset) * scale;
        const g = groupOf(v);
        sum[g] += value;
        sumSquares[g] += value * value;
      }
    }
  }
  const meanValues = Array.from(sum, (s) => s / perGroup);
  const stdValues = standardize
    ? Array.from(sumSquares, (s, g) => {
        const std = Math.sqrt(Math.max(0, s / perGroup - meanValues[g] * meanValues[g]));
        return std > 1e-8 ? std : 1;
      })
    : [];
  return { format: 'cnnwb-preprocessing', version: 1, shape: { ...shape }, offset, scale, mean, meanValues, standardize, stdValues };
}

function unitScaling(range: ValueRange): { offset: number; scale: number } {
  const width = range.max - range.min;
  return { offset: range.min, scale: width > 0 ? 1 / width : 1 };
}

/** Applies the preprocessing in place to `x`, which holds whole instances of p.shape in vec layout. */
export function applyPreprocessing(p: Preprocessing, x: Float32Array): void {
  const size = shapeSize(p.shape);
  if (x.length % size !== 0) throw new Error(`preprocessing for ${formatShape(p.shape)}: ${x.length} values are not whole instances of ${size}`);
  const d = p.shape.d;
  const perPixel = p.mean === 'per-pixel';
  const hasMean = p.mean !== 'none';
  const { offset, scale, meanValues, stdValues, standardize } = p;
  for (let base = 0; base < x.length; base += size) {
    for (let v = 0; v < size; v++) {
      let value = (x[base + v] - offset) * scale;
      if (hasMean) {
        const g = perPixel ? v : v % d;
        value -= meanValues[g];
        if (standardize) value /= stdValues[g];
      }
      x[base + v] = value;
    }
  }
}

/** Applies the preprocessing to a dataset's x in place and records it; the shapes must agree. */
export function preprocessDataset(dataset: Dataset, p: Preprocessing): void {
  if (dataset.preprocessing) throw new Error(`${dataset.source}: already preprocessed`);
  const a = dataset.shape;
  const b = p.shape;
  if (a.d !== b.d || a.a !== b.a || a.b !== b.b) {
    throw new Error(`${dataset.source}: images are ${formatShape(a)} but the preprocessing was fitted on ${formatShape(b)}`);
  }
  applyPreprocessing(p, dataset.x);
  dataset.preprocessing = p;
}

/** A preprocessing object that is malformed: `field` names the bad field ("scale", "shape.d", "meanValues[3]"). */
export class PreprocessingFormatError extends Error {
  constructor(
    readonly where: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(field ? `${where}: ${field} ${problem}` : `${where}: ${problem}`);
    this.name = 'PreprocessingFormatError';
  }
}

/**
 * Checks an object read from JSON (e.g. a saved model) and returns it typed; errors name the field.
 * With `input`, the shape it was fitted on must be that input's (a graph's d x a x b).
 */
export function checkPreprocessing(value: unknown, where = 'preprocessing', input?: Shape): Preprocessing {
  const fail = (field: string, problem: string): never => {
    throw new PreprocessingFormatError(where, field, problem);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('', `must be an object, got ${JSON.stringify(value)}`);
  const p = value as Record<string, unknown>;
  if (p.format !== 'cnnwb-preprocessing') fail('format', `must be 'cnnwb-preprocessing', got ${JSON.stringify(p.format)}`);
  if (p.version !== 1) fail('version', `must be 1, got ${JSON.stringify(p.version)}`);
  const shape = p.shape;
  if (typeof shape !== 'object' || shape === null || Array.isArray(shape)) return fail('shape', `must be {"d", "a", "b"}, got ${JSON.stringify(shape)}`);
  for (const k of ['d', 'a', 'b'] as const) {
    const v = (shape as Record<string, unknown>)[k];
    if (!Number.isSafeInteger(v) || (v as number) < 1) fail(`shape.${k}`, `must be a whole number >= 1, got ${JSON.stringify(v)}`);
  }
  const s = shape as Shape;
  if (input && (s.d !== input.d || s.a !== input.a || s.b !== input.b))
    fail('shape', `is ${formatShape(s)} but the graph's input is ${formatShape(input)}: the preprocessing was fitted on other images`);
  if (typeof p.offset !== 'number' || !Number.isFinite(p.offset)) fail('offset', `must be a finite number, got ${JSON.stringify(p.offset)}`);
  if (typeof p.scale !== 'number' || !Number.isFinite(p.scale) || p.scale <= 0)
    fail('scale', `must be a finite number > 0 (1 / the raw value range), got ${JSON.stringify(p.scale)}`);
  if (!MEAN_MODES.includes(p.mean as MeanMode)) fail('mean', `must be one of ${MEAN_MODES.join(', ')}, got ${JSON.stringify(p.mean)}`);
  if (typeof p.standardize !== 'boolean') fail('standardize', `must be true or false, got ${JSON.stringify(p.standardize)}`);
  if (p.standardize && p.mean === 'none') fail('standardize', `is true but mean is 'none': standardisation divides by a per-pixel or per-channel std`);
  const groups = p.mean === 'per-pixel' ? shapeSize(s) : p.mean === 'per-channel' ? s.d : 0;
  const numbers = (k: string, length: number, positive: boolean) => {
    const arr = p[k];
    if (!Array.isArray(arr) || arr.length !== length)
      fail(k, `must hold ${length} numbers (mean ${String(p.mean)} of ${formatShape(s)}${k === 'stdValues' && !p.standardize ? ', standardize false' : ''}), got ${Array.isArray(arr) ? arr.length : JSON.stringify(arr)}`);
    (arr as unknown[]).forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${k}[${i}]`, `must be a finite number, got ${JSON.stringify(v)}`);
      if (positive && (v as number) <= 0) fail(`${k}[${i}]`, `must be > 0, got ${v}`);
    });
  };
  numbers('meanValues', groups, false);
  numbers('stdValues', p.standardize ? groups : 0, true);
  return p as unknown as Preprocessing;
}
