import { StoreError } from './errors';
import type { Histogram, Misclassified } from './records';

/*
 * Compact little-endian blobs for the two records stored in bulk.
 *
 * Histogram, uniform edges:  u8 1, u8 0, u16 n, f64 lo, f64 hi, u32 counts[n]
 * Histogram, any edges:      u8 2, u8 0, u16 n, f64 edges[n + 1],  u32 counts[n]
 * Misclassified:             (i32 index, u16 predicted, u16 actual) per instance
 */

const UNIFORM = 1;
const EXPLICIT = 2;

function uniformEdge(lo: number, hi: number, n: number, i: number): number {
  return i === n ? hi : lo + ((hi - lo) * i) / n;
}

function checkHistogram(h: Histogram): void {
  const n = h.counts.length;
  if (h.edges.length !== n + 1) throw new StoreError(`histogram: ${h.edges.length} edges for ${n} bins (need ${n + 1})`);
  if (n > 0xffff) throw new StoreError(`histogram: ${n} bins (at most 65535)`);
  for (const c of h.counts)
    if (!Number.isInteger(c) || c < 0 || c > 0xffffffff) throw new StoreError(`histogram: count ${c} is not a non-negative 32-bit integer`);
}

export function encodeHistogram(h: Histogram): Uint8Array {
  checkHistogram(h);
  const n = h.counts.length;
  const lo = h.edges[0];
  const hi = h.edges[n];
  const uniform = h.edges.every((e, i) => Object.is(e, uniformEdge(lo, hi, n, i)));
  const edgeBytes = uniform ? 16 : 8 * (n + 1);
  const out = new Uint8Array(4 + edgeBytes + 4 * n);
  const view = new DataView(out.buffer);
  view.setUint8(0, uniform ? UNIFORM : EXPLICIT);
  view.setUint16(2, n, true);
  let at = 4;
  if (uniform) {
    view.setFloat64(at, lo, true);
    view.setFloat64(at + 8, hi, true);
    at += 16;
  } else {
    for (const e of h.edges) {
      view.setFloat64(at, e, true);
      at += 8;
    }
  }
  for (const c of h.counts) {
    view.setUint32(at, c, true);
    at += 4;
  }
  return out;
}

export function decodeHistogram(blob: Uint8Array): Histogram {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  if (blob.byteLength < 4) throw new StoreError(`histogram blob of ${blob.byteLength} bytes is too short`);
  const kind = view.getUint8(0);
  const n = view.getUint16(2, true);
  const expected = 4 + (kind === UNIFORM ? 16 : 8 * (n + 1)) + 4 * n;
  if ((kind !== UNIFORM && kind !== EXPLICIT) || blob.byteLength !== expected)
    throw new StoreError(`histogram blob: kind ${kind}, ${n} bins, ${blob.byteLength} bytes is not a histogram`);
  const edges: number[] = [];
  let at = 4;
  if (kind === UNIFORM) {
    const lo = view.getFloat64(at, true);
    const hi = view.getFloat64(at + 8, true);
    for (let i = 0; i <= n; i++) edges.push(uniformEdge(lo, hi, n, i));
    at += 16;
  } else {
    for (let i = 0; i <= n; i++, at += 8) edges.push(view.getFloat64(at, true));
  }
  const counts: number[] = [];
  for (let i = 0; i < n; i++, at += 4) counts.push(view.getUint32(at, true));
  return { edges, counts };
}

export function encodeMisclassified(list: readonly Misclassified[]): Uint8Array {
  const out = new Uint8Array(8 * list.length);
  const view = new DataView(out.buffer);
  list.forEach((m, i) => {
    if (!Number.isInteger(m.index) || m.index < 0 || m.index > 0x7fffffff) throw new StoreError(`misclassified[${i}]: bad index ${m.index}`);
    for (const label of [m.predicted, m.actual])
      if (!Number.isInteger(label) || label < 0 || label > 0xffff) throw new StoreError(`misclassified[${i}]: bad label ${label}`);
    view.setInt32(8 * i, m.index, true);
    view.setUint16(8 * i + 4, m.predicted, true);
    view.setUint16(8 * i + 6, m.actual, true);
  });
  return out;
}

export function decodeMisclassified(blob: Uint8Array): Misclassified[] {
  if (blob.byteLength % 8 !== 0) throw new StoreError(`misclassified blob of ${blob.byteLength} bytes is not a multiple of 8`);
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const list: Misclassified[] = [];
  for (let at = 0; at < blob.byteLength; at += 8)
    list.push({ index: view.getInt32(at, true), predicted: view.getUint16(at + 4, true), actual: view.getUint16(at + 6, true) });
  return list;
}
