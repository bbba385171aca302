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
}

export const RESULT_MARKER = '@@bench-result ';
