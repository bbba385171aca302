/**
 * Moving tensors between the vector form's layouts and the N x C x H x W layout of ONNX and
 * PyTorch (docs/formats.md):
 *
 * - an instance in vec order holds channel c at row r, column q at   c + d*(r + a*q);
 *   in NCHW order at   c*a*b + r*b + q.
 * - a convolution's W is d_out x (h h d_in), column-major, with column k = i + h*(j + h*c)
 *   (in-window row i fastest, then window column j, then input channel c); OIHW order puts
 *   W[f][k] at   f*d_in*h*h + c*h*h + i*h + j.
 * - a fully-connected W is units x (d a b), column-major, columns in vec order of its input;
 *   after an NCHW flatten the input order is c*a*b + r*b + q.
 */
import type { Shape } from '../graph/shape';

/** Instances in vec order -> the same instances in NCHW order. */
export function vecToNchw(x: ArrayLike<number>, shape: Shape, count: number): Float64Array {
  const { d, a, b } = shape;
  const size = d * a * b;
  const out = new Float64Array(size * count);
  for (let n = 0; n < count; n++) {
    const base = n * size;
    for (let q = 0; q < b; q++) for (let r = 0; r < a; r++) for (let c = 0; c < d; c++) out[base + c * a * b + r * b + q] = x[base + c + d * (r + a * q)];
  }
  return out;
}

/** Instances in NCHW order -> vec order. */
export function nchwToVec(x: ArrayLike<number>, shape: Shape, count: number): Float64Array {
  const { d, a, b } = shape;
  const size = d * a * b;
  const out = new Float64Array(size * count);
  for (let n = 0; n < count; n++) {
    const base = n * size;
    for (let q = 0; q < b; q++) for (let r = 0; r < a; r++) for (let c = 0; c < d; c++) out[base + c + d * (r + a * q)] = x[base + c * a * b + r * b + q];
  }
  return out;
}

/** A convolution's column-major W (filters x h h inChannels) -> OIHW, row-major. */
export function convWeightToOihw(W: ArrayLike<number>, filters: number, inChannels: number, h: number): Float64Array {
  const out = new Float64Array(filters * inChannels * h * h);
  for (let f = 0; f < filters; f++)
    for (let c = 0; c < inChannels; c++)
      for (let j = 0; j < h; j++) for (let i = 0; i < h; i++) out[f * inChannels * h * h + c * h * h + i * h + j] = W[f + filters * (i + h * (j + h * c))];
  return out;
}

/** OIHW, row-major -> a convolution's column-major W. */
export function oihwToConvWeight(oihw: ArrayLike<number>, filters: number, inChannels: number, h: number): Float64Array {
  const out = new Float64Array(filters * inChannels * h * h);
  for (let f = 0; f < filters; f++)
    for (let c = 0; c < inChannels; c++)
      for (let j = 0; j < h; j++) for (let i = 0; i < h; i++) out[f + filters * (i + h * (j + h * c))] = oihw[f * inChannels * h * h + c * h * h + i * h + j];
  return out;
}

/**
 * A fully-connected column-major W (units x size of inShape, columns in vec order) -> a row-major
 * units x K matrix whose columns follow the NCHW flatten of inShape (PyTorch's nn.Linear weight,
 * ONNX Gemm's B with transB = 1).
 */
export function fcWeightToNchwRows(W: ArrayLike<number>, units: number, inShape: Shape): Float64Array {
  const { d, a, b } = inShape;
  const K = d * a * b;
  const out = new Float64Array(units * K);
  for (let u = 0; u < units; u++)
    for (let q = 0; q < b; q++) for (let r = 0; r < a; r++) for (let c = 0; c < d; c++) out[u * K + c * a * b + r * b + q] = W[u + units * (c + d * (r + a * q))];
  return out;
}

/** The inverse of fcWeightToNchwRows. */
export function nchwRowsToFcWeight(rows: ArrayLike<number>, units: number, inShape: Shape): Float64Array {
  const { d, a, b } = inShape;
  const K = d * a * b;
  const out = new Float64Array(units * K);
  for (let u = 0; u < units; u++)
    for (let q = 0; q < b; q++) for (let r = 0; r < a; r++) for (let c = 0; c < d; c++) out[u + units * (c + d * (r + a * q))] = rows[u * K + c * a * b + r * b + q];
  return out;
}

/** Row-major units x K -> column-major (the vector form's storage), no reordering of columns. */
export function rowMajorToColumnMajor(rows: ArrayLike<number>, rowCount: number, colCount: number): Float64Array {
  const out = new Float64Array(rowCount * colCount);
  for (let r = 0; r < rowCount; r++) for (let c = 0; c < colCount; c++) out[r + rowCount * c] = rows[r * colCount + c];
  return out;
}
