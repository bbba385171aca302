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
  /** gpujs only: the gpu.js mode, and where compiles and transfers went. */
  gpu?: GpuReport;
}

/** gpujs: mode and renderer, the first step (which compiles every kernel) apart, and one later step's transfers. */
export interface GpuReport {
  mode: string;
  accelerated: boolean;
  renderer: string | null;
  /** Creating the backend (its start-up check in GPU modes) and the network (index maps, parameters). */
  setupMs: number;
  firstStepMs: number;
  /** Kernels built during setup and the first step, and the time their builds and first runs took. */
  firstStepCompiles: number;
  firstStepCompileMs: number;
  /** Per step after the first: kernels compiled (0: the cache works), launched, and host <-> device transfers. */
  perStep: { compiles: number; kernelRuns: number; uploads: number; uploadedValues: number; uploadMs: number; downloads: Record<string, number>; downloadedValues: number; downloadMs: number };
}

export const RESULT_MARKER = '@@bench-result ';
