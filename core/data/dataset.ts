/**
 * A labelled set of images in the engine's layout. x holds `count` instances one after another,
 * each vec(Z) of Z in R^{d x (a*b)} (channel fastest, then row, then column: see layout.ts).
 * Loaders fill x with the raw values (e.g. 0..255) and the fingerprint hashes those; after
 * preprocessing (preprocessing.ts) x holds the preprocessed values and `preprocessing` says how.
 */
import { createHash } from 'node:crypto';
import type { Shape } from '../graph/shape.js';
import { formatShape, shapeSize } from '../graph/shape.js';
import type { Preprocessing } from './preprocessing.js';

export interface ValueRange {
  min: number;
  max: number;
}

export interface Dataset {
  shape: Shape;
  count: number;
  /** count * d*a*b values, vec layout. */
  x: Float32Array;
  /** count labels in [0, classes). */
  labels: Int32Array;
  classes: number;
  classNames?: string[];
  /** Where the data came from, for people (file names, split). */
  source: string;
  /** sha256 (hex) of the shape, the raw values and the labels, taken when loaded. */
  fingerprint: string;
  /** The range the raw values can take (0..255 for bytes); scaling to [0,1] uses it. */
  rawRange: ValueRange;
  /** Set once preprocessing has been applied to x. */
  preprocessing?: Preprocessing;
}

export interface DatasetParts {
  shape: Shape;
  x: Float32Array;
  labels: Int32Array;
  classes: number;
  classNames?: string[];
  source: string;
  rawRange: ValueRange;
}

/** Builds a Dataset from raw parts: checks sizes and labels and computes the fingerprint. */
export function makeDataset(parts: DatasetParts): Dataset {
  const { shape, x, labels, classes, source } = parts;
  const size = shapeSize(shape);
  const count = labels.length;
  if (x.length !== count * size) {
    throw new Error(`${source}: ${count} labels need ${count * size} values of shape ${formatShape(shape)}, got ${x.length}`);
  }
  if (parts.classNames && parts.classNames.length !== classes) {
    throw new Error(`${source}: ${parts.classNames.length} class names given for ${classes} classes`);
  }
  for (let i = 0; i < count; i++) {
    const y = labels[i];
    if (y < 0 || y >= classes) throw new Error(`${source}: label ${y} of instance ${i} is outside [0, ${classes})`);
  }
  return { ...parts, count, fingerprint: fingerprintOf(shape, x, labels) };
}

export function fingerprintOf(shape: Shape, x: Float32Array, labels: Int32Array): string {
  const hash = createHash('sha256');
  hash.update(Int32Array.of(shape.d, shape.a, shape.b));
  hash.update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
  hash.update(new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength));
  return hash.digest('hex');
}

/**
 * Copies the instances indices[0 .. n) into the caller's buffers: xOut gets n instances in vec
 * layout one after another, yOut their labels. Allocates nothing; the training loop calls it
 * every step. Returns n.
 */
export function copyBatch(
  dataset: Dataset,
  indices: ArrayLike<number>,
  xOut: Float32Array,
  yOut: Int32Array,
  n: number = indices.length,
): number {
  const size = shapeSize(dataset.shape);
  if (n > indices.length || xOut.length < n * size || yOut.length < n) {
    throw new Error(`copyBatch: buffers for ${xOut.length / size} instances and ${yOut.length} labels cannot hold ${n}`);
  }
  const x = dataset.x;
  for (let j = 0; j < n; j++) {
    const i = indices[j];
    if (!(i >= 0 && i < dataset.count)) throw new Error(`copyBatch: index ${i} is outside [0, ${dataset.count})`);
    const from = i * size;
    const to = j * size;
    for (let v = 0; v < size; v++) xOut[to + v] = x[from + v];
    yOut[j] = dataset.labels[i];
  }
  return n;
}

/** A new Dataset with copies of the given instances (e.g. a validation split). */
export function subsetDataset(dataset: Dataset, indices: ArrayLike<number>, sourceNote: string): Dataset {
  const size = shapeSize(dataset.shape);
  const x = new Float32Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  copyBatch(dataset, indices, x, labels);
  return {
    ...dataset,
    count: indices.length,
    x,
    labels,
    source: `${dataset.source} (${sourceNote})`,
    fingerprint: fingerprintOf(dataset.shape, x, labels),
  };
}

/** How many instances each class has. */
export function classCounts(dataset: Pick<Dataset, 'labels' | 'classes'>): number[] {
  const counts = new Array<number>(dataset.classes).fill(0);
  for (const y of dataset.labels) counts[y]++;
  return counts;
}
