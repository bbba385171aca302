import { describe, expect, it } from 'vitest';
import { busyShare, pairedRatios, threadCounts } from '../../bench/peerComparison';

describe('bench peer comparison', () => {
  const runs = [
    { system: 'wasm-simd', imagesPerSecond: 100 },
    { system: 'pytorch', imagesPerSecond: 200 },
    { system: 'wasm-simd', imagesPerSecond: 300 },
    { system: 'pytorch', imagesPerSecond: 400 },
    { system: 'wasm-simd', imagesPerSecond: 80 },
  ];

  it('pairs each of our runs with the peer run next to it (the next one, else the one before)', () => {
    const r = pairedRatios(runs, 'wasm-simd', 'pytorch')!;
    expect(r.ratios).toEqual([0.5, 0.75, 0.2]);
    expect(r.median).toBe(0.5);
    expect([r.min, r.max]).toEqual([0.2, 0.75]);
    expect(pairedRatios(runs, 'wasm-simd', 'tfjs-wasm')).toBeNull();
  });

  it('gives the busy speed as a share of the median quiet speed', () => {
    expect(busyShare(runs, { system: 'pytorch', imagesPerSecond: 150 })!.share).toBeCloseTo(0.5);
    expect(busyShare(runs, { system: 'js', imagesPerSecond: 1 })).toBeNull();
  });

  it('measures 1, 2, 4, ... threads up to the core count', () => {
    expect(threadCounts(1)).toEqual([1]);
    expect(threadCounts(2)).toEqual([1, 2]);
    expect(threadCounts(6)).toEqual([1, 2, 4, 6]);
  });
});
