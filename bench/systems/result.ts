/** What one system's child process reports to the parent (one JSON line on stdout). */
import type { KernelTime } from '../profilingBackend';
import type { GemmFlopsResult } from '../gemmFlops';

export interface SystemResult {
  system: string;
  /** What actually ran, for people. */
  description: string;
  batch: number;
  imagesPerSecond: number;
  msPerStep: number;
  runMs: number[];
  stepsPerRun: number;
  warmupMs: number[];
  peakRssMB: number;
  /** Loss before and after the timed steps (a sanity check that it trains). */
  firstLoss: number;
  lastLoss: number;
  notes: string[];
  profile?: KernelTime[];
  gemm?: GemmFlopsResult[];
  /** The GEMM micro-kernel's GFLOP/s alone (L1-resident panels) per thread count (the 'gemm' child). */
  peak?: { threads: number; gflops: number }[];
  /** The thread count this run asked for (absent: all cores). */
  threads?: number;
}

export const RESULT_MARKER = '@@bench-result ';
