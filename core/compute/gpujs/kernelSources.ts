/**
 * The gpu.js kernel sources, as strings so that no bundler or minifier can rename what gpu.js
 * parses. Every kernel writes the whole destination tensor (one output per thread): values outside
 * the operation's range pass through from `old`, because gpu.js outputs are fresh buffers.
 * Sizes are constants (kernels are built per shape); values that change per call are arguments.
 */
import type { ActivationKind } from '../../graph/format';

export const identity = `function(a) { return a[this.thread.x]; }`;

export const fill = `function(old, value) {
  if (this.thread.x < this.constants.n) return value;
  return old[this.thread.x];
}`;

export const copy = `function(src, old) {
  if (this.thread.x < this.constants.n) return src[this.thread.x];
  return old[this.thread.x];
}`;

/** dst = data at [offset, offset + n), the old values elsewhere (offset and n are constants). */
export const writeRange = `function(data, old) {
  const x = this.thread.x;
  if (x >= this.constants.offset && x < this.constants.offset + this.constants.n) return data[x - this.constants.offset];
  return old[x];
}`;

/** Partial sum p of x .* y over j = p, p + parts, p + 2 parts, ... below n. */
export const dotPartials = `function(x, y) {
  let sum = 0;
  for (let s = 0; s < this.constants.steps; s++) {
    const j = this.thread.x + this.constants.parts * s;
    if (j < this.constants.n) sum += x[j] * y[j];
  }
  return sum;
}`;

export const axpby = `function(x, y, alpha, beta) {
  const j = this.thread.x;
  if (j < this.constants.n) return alpha * x[j] + beta * y[j];
  return y[j];
}`;

/** C = op(A) op(B) (+ C): output x is C[r + m*c]. */
export function gemm(transA: boolean, transB: boolean): string {
  const aIndex = transA ? 't + this.constants.k * r' : 'r + this.constants.m * t';
  const bIndex = transB ? 'c + this.constants.n * t' : 't + this.constants.k * c';
  return `function(A, B, C) {
  const x = this.thread.x;
  if (x >= this.constants.mn) return C[x];
  const c = Math.floor(x / this.constants.m);
  const r = x - c * this.constants.m;
  let sum = 0;
  for (let t = 0; t < this.constants.k; t++) {
    sum += A[${aIndex}] * B[${bIndex}];
  }
  if (this.constants.accumulate > 0) return C[x] + sum;
  return sum;
}`;
}

export const gather = `function(src, map, old) {
  const x = this.thread.x;
  if (x >= this.constants.total) return old[x];
  const i = Math.floor(x / this.constants.len);
  const from = map[x - i * this.constants.len];
  if (from < 0) return 0;
  return src[i * this.constants.srcLen + from];
}`;

/** dst[i, p] (+)= sum of src[i, j] over the j with map[j] = p, read from the inverse map. */
export const scatterAdd = `function(src, offsets, entries, old) {
  const x = this.thread.x;
  if (x >= this.constants.total) return old[x];
  const i = Math.floor(x / this.constants.srcLen);
  const p = x - i * this.constants.srcLen;
  const start = offsets[p];
  const count = offsets[p + 1] - start;
  let sum = 0;
  for (let e = 0; e < this.constants.maxFan; e++) {
    if (e < count) sum += src[i * this.constants.len + entries[start + e]];
  }
  if (this.constants.accumulate > 0) return old[x] + sum;
  return sum;
}`;

export const addBias = `function(S, b) {
  const x = this.thread.x;
  if (x >= this.constants.total) return S[x];
  const c = Math.floor(x / this.constants.rows);
  return S[x] + b[x - c * this.constants.rows];
}`;

export const rowSum = `function(S, old) {
  const r = this.thread.x;
  if (r >= this.constants.rows) return old[r];
  let sum = 0;
  for (let c = 0; c < this.constants.cols; c++) sum += S[r + this.constants.rows * c];
  if (this.constants.accumulate > 0) return old[r] + sum;
  return sum;
}`;

const ACTIVATION: Record<ActivationKind, string> = {
  relu: 's > 0 ? s : 0',
  leaky_relu: 's > 0 ? s : leak * s',
  tanh: 'Math.tanh(s)',
  sigmoid: '1 / (1 + Math.exp(-s))',
  linear: 's',
};

/** The derivative from a = sigma(s). */
const DERIVATIVE: Record<ActivationKind, string> = {
  relu: 'a > 0 ? 1 : 0',
  leaky_relu: 'a > 0 ? 1 : leak',
  tanh: '1 - a * a',
  sigmoid: 'a * (1 - a)',
  linear: '1',
};

export function activate(kind: ActivationKind): string {
  return `function(S, old, leak) {
  const x = this.thread.x;
  if (x >= this.constants.n) return old[x];
  const s = S[x];
  return ${ACTIVATION[kind]};
}`;
}

export function activationGrad(kind: ActivationKind): string {
  return `function(A, V, leak) {
  const x = this.thread.x;
  if (x >= this.constants.n) return V[x];
  const a = A[x];
  const d = ${DERIVATIVE[kind]};
  return V[x] * d;
}`;
}

/** The argmax position (from the start of the batch) of each pooling window, as a float. */
export const maxPoolArgmax = `function(Z, windows, old) {
  const x = this.thread.x;
  if (x >= this.constants.total) return old[x];
  const i = Math.floor(x / this.constants.outSize);
  const o = x - i * this.constants.outSize;
  const base = i * this.constants.srcLen;
  let best = base + windows[o * this.constants.windowSize];
  let bestValue = Z[best];
  for (let t = 1; t < this.constants.windowSize; t++) {
    const at = base + windows[o * this.constants.windowSize + t];
    const v = Z[at];
    if (v > bestValue) {
      bestValue = v;
      best = at;
    }
  }
  return best;
}`;

export const gatherArgmax = `function(src, argmax, old) {
  const x = this.thread.x;
  if (x >= this.constants.n) return old[x];
  return src[argmax[x]];
}`;

/** dZ[x] = sum of V[k] over the windows k that contain x and chose it (inverse of the windows map). */
export const maxPoolBackward = `function(V, argmax, offsets, entries, old) {
  const x = this.thread.x;
  if (x >= this.constants.total) return old[x];
  const i = Math.floor(x / this.constants.srcLen);
  const p = x - i * this.constants.srcLen;
  const start = offsets[p];
  const count = offsets[p + 1] - start;
  let sum = 0;
  for (let e = 0; e < this.constants.maxFan; e++) {
    if (e < count) {
      const k = i * this.constants.outSize + Math.floor(entries[start + e] / this.constants.windowSize);
      if (argmax[k] == x) sum += V[k];
    }
  }
  return sum;
}`;

export const avgPool = `function(Z, windows, old) {
  const x = this.thread.x;
  if (x >= this.constants.total) return old[x];
  const i = Math.floor(x / this.constants.outSize);
  const o = x - i * this.constants.outSize;
  const base = i * this.constants.srcLen;
  let sum = 0;
  for (let t = 0; t < this.constants.windowSize; t++) sum += Z[base + windows[o * this.constants.windowSize + t]];
  return sum / this.constants.windowSize;
}`;

export const avgPoolBackward = `function(V, offsets, entries, old) {
  const x = this.thread.x;
  if (x >= this.constants.total) return old[x];
  const i = Math.floor(x / this.constants.srcLen);
  const p = x - i * this.constants.srcLen;
  const start = offsets[p];
  const count = offsets[p + 1] - start;
  let sum = 0;
  for (let e = 0; e < this.constants.maxFan; e++) {
    if (e < count) sum += V[i * this.constants.outSize + Math.floor(entries[start + e] / this.constants.windowSize)];
  }
  return sum / this.constants.windowSize;
}`;
