/**
 * Ours against a peer from one bench run: the ratio of each of our runs to the peer's run next to
 * it in the alternating order (--systems wasm-simd,pytorch,wasm-simd,pytorch), so that both sides of
 * a ratio saw the same minutes of a shared machine; then the median and the spread.
 */
import { median } from './stepTimer';

export interface Measured {
  system: string;
  imagesPerSecond: number;
}

export interface PairedRatios {
  system: string;
  peer: string;
  /** ours / peer per pair, in run order. */
  ratios: number[];
  median: number;
  min: number;
  max: number;
}

/** Pairs each run of `system` with the nearest run of `peer` (the next one, else the one before). */
export function pairedRatios(runs: Measured[], system: string, peer: string): PairedRatios | null {
  const ratios: number[] = [];
  runs.forEach((r, i) => {
    if (r.system !== system) return;
    let partner = -1;
    for (let d = 1; d < runs.length && partner < 0; d++) {
      if (runs[i + d]?.system === peer) partner = i + d;
      else if (runs[i - d]?.system === peer) partner = i - d;
    }
    if (partner >= 0) ratios.push(r.imagesPerSecond / runs[partner].imagesPerSecond);
  });
  if (ratios.length === 0) return null;
  return { system, peer, ratios, median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}

/** A system's speed with one core kept busy, as a share of its median speed without. */
export interface BusyShare {
  system: string;
  quietImagesPerSecond: number;
  busyImagesPerSecond: number;
  share: number;
}

export function busyShare(quiet: Measured[], busy: Measured): BusyShare | null {
  const same = quiet.filter((q) => q.system === busy.system).map((q) => q.imagesPerSecond);
  if (same.length === 0) return null;
  const quietImagesPerSecond = median(same);
  return { system: busy.system, quietImagesPerSecond, busyImagesPerSecond: busy.imagesPerSecond, share: busy.imagesPerSecond / quietImagesPerSecond };
}

/** 1, 2, 4, ... up to the machine's cores (the thread counts the scaling table measures). */
export function threadCounts(cores: number): number[] {
  const counts: number[] = [];
  for (let t = 1; t < cores; t *= 2) counts.push(t);
  counts.push(cores);
  return counts;
}
