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

/** Checks an object read from JSON (e.g. a saved model) and returns it typed; errors name the field. */
export function checkPreprocessing(value: unknown, where = 'preprocessing'): Preprocessing {
  const fail = (detail: string): never => {
    throw new Error(`${where}: ${detail}`);
  };
  if (typeof value !== 'object' || value === null) fail('not an object');
  const p = value as Record<string, unknown>;
  if (p.format !== 'cnnwb-preprocessing') fail(`format must be 'cnnwb-preprocessing', got ${JSON.stringify(p.format)}`);
  if (p.version !== 1) fail(`unsupported version ${JSON.stringify(p.version)}`);
  const shape = p.shape as Record<string, unknown> | undefined;
  for (const k of ['d', 'a', 'b']) {
    if (!shape || !Number.isInteger(shape[k]) || (shape[k] as number) < 1) fail(`shape.${k} must be a positive integer`);
  }
  for (const k of ['offset', 'scale']) if (typeof p[k] !== 'number' || !Number.isFinite(p[k])) fail(`${k} must be a finite number`);
  if (!MEAN_MODES.includes(p.mean as MeanMode)) fail(`mean must be one of ${MEAN_MODES.join(', ')}`);
  if (typeof p.standardize !== 'boolean') fail('standardize must be true or false');
  const s = shape as unknown as Shape;
  const groups = p.mean === 'per-pixel' ? shapeSize(s) : p.mean === 'per-channel' ? s.d : 0;
  const numbers = (k: string, length: number) => {
    const arr = p[k];
    if (!Array.isArray(arr) || arr.length !== length) fail(`${k} must hold ${length} numbers`);
    (arr as unknown[]).forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${k}[${i}] is not a finite number`);
    });
  };
  numbers('meanValues', groups);
  numbers('stdValues', p.standardize ? groups : 0);
  if (p.standardize && (p.stdValues as number[]).some((v) => v <= 0)) fail('stdValues must be positive');
  return p as unknown as Preprocessing;
}
