import { describe, expect, it } from 'vitest';
import { decodeHistogram, decodeMisclassified, encodeHistogram, encodeMisclassified } from '../../core/store/codec';
import { computeTensorStats } from '../../core/store/tensorStats';

describe('histogram blob', () => {
  it('stores uniform edges as two numbers and round-trips exactly', () => {
    const { histogram } = computeTensorStats(Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 0.37), 32);
    const blob = encodeHistogram(histogram);
    expect(blob.byteLength).toBe(4 + 16 + 4 * 32);
    expect(decodeHistogram(blob)).toEqual(histogram);
  });

  it('stores arbitrary edges explicitly', () => {
    const h = { edges: [-1, -0.1, 0, 0.1, 5], counts: [1, 20, 30, 4] };
    const blob = encodeHistogram(h);
    expect(blob.byteLength).toBe(4 + 8 * 5 + 4 * 4);
    expect(decodeHistogram(blob)).toEqual(h);
  });

  it('rejects inconsistent input and blobs that are not histograms', () => {
    expect(() => encodeHistogram({ edges: [0, 1], counts: [1, 2] })).toThrow(/2 edges for 2 bins/);
    expect(() => encodeHistogram({ edges: [0, 1], counts: [-1] })).toThrow(/not a non-negative 32-bit integer/);
    expect(() => decodeHistogram(new Uint8Array([9, 0, 1, 0]))).toThrow(/is not a histogram/);
  });
});

describe('misclassified blob', () => {
  it('round-trips and checks its input', () => {
    const list = [
      { index: 0, predicted: 3, actual: 5 },
      { index: 59999, predicted: 9, actual: 0 },
    ];
    expect(decodeMisclassified(encodeMisclassified(list))).toEqual(list);
    expect(() => encodeMisclassified([{ index: -1, predicted: 0, actual: 0 }])).toThrow(/misclassified\[0\]: bad index/);
    expect(() => decodeMisclassified(new Uint8Array(7))).toThrow(/multiple of 8/);
  });
});

describe('computeTensorStats', () => {
  it('matches a direct computation', () => {
    const x = Float64Array.from({ length: 257 }, (_, i) => Math.cos(i * 1.3) * (i % 7) - 0.2);
    const s = computeTensorStats(x, 8);
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    expect(s.mean).toBeCloseTo(mean, 12);
    expect(s.norm).toBeCloseTo(Math.hypot(...x), 12);
    expect(s.std).toBeCloseTo(Math.sqrt(x.reduce((a, v) => a + (v - mean) ** 2, 0) / x.length), 12);
    expect(s.min).toBe(Math.min(...x));
    expect(s.max).toBe(Math.max(...x));
    expect(s.histogram.counts.reduce((a, b) => a + b, 0)).toBe(x.length);
    expect(s.histogram.edges[0]).toBe(s.min);
    expect(s.histogram.edges[8]).toBe(s.max);
    for (let b = 0; b < 8; b++) {
      const [lo, hi] = [s.histogram.edges[b], s.histogram.edges[b + 1]];
      const inBin = Array.from(x).filter((v) => v >= lo && (b === 7 ? v <= hi : v < hi)).length;
      expect(s.histogram.counts[b]).toBe(inBin);
    }
  });

  it('handles a constant tensor and shows divergence as NaN', () => {
    expect(computeTensorStats([2, 2, 2], 4)).toMatchObject({ mean: 2, std: 0, min: 2, max: 2, histogram: { counts: [3, 0, 0, 0] } });
    expect(computeTensorStats([1, NaN]).norm).toBeNaN();
  });
});
