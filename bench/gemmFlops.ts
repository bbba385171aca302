/**
 * GFLOP/s of a backend's GEMM on the GEMM shapes of the 3-layer template's conv layers at batch 128
 * (forward S = W phiPadZ, weight gradient dW = dS phiPadZ^T, input gradient W^T dS).
 * Run alone: node --import tsx bench/gemmFlops.ts [backend]
 */
import type { ComputeBackend } from '../core/compute/backend';

export interface GemmShape {
  label: string;
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
}

/** conv layers as (filters, h*h*d, a_conv*b_conv) of simplenn-3layer.json. */
const CONV_LAYERS = [
  { name: 'conv1', filters: 32, hhd: 25, positions: 28 * 28 },
  { name: 'conv2', filters: 64, hhd: 288, positions: 14 * 14 },
  { name: 'conv3', filters: 64, hhd: 576, positions: 7 * 7 },
];

export function convGemmShapes(batch: number): GemmShape[] {
  const shapes: GemmShape[] = [];
  for (const l of CONV_LAYERS) {
    const cols = l.positions * batch;
    shapes.push({ label: `${l.name} S=W*phi`, transA: false, transB: false, m: l.filters, n: cols, k: l.hhd });
    shapes.push({ label: `${l.name} dW=dS*phi^T`, transA: false, transB: true, m: l.filters, n: l.hhd, k: cols });
    if (l.name !== 'conv1') shapes.push({ label: `${l.name} W^T*dS`, transA: true, transB: false, m: l.hhd, n: cols, k: l.filters });
  }
  return shapes;
}

export interface GemmFlopsResult {
  label: string;
  shape: string;
  ms: number;
  gflops: number;
  /** gflops as a share of the micro-kernel's peak on the same threads (set by the bench's 'gemm' child). */
  ofPeak?: number;
}

export function measureGemmFlops(backend: ComputeBackend, shapes: GemmShape[], minMs = 300): GemmFlopsResult[] {
  const results: GemmFlopsResult[] = [];
  for (const s of shapes) {
    const A = backend.allocate(s.m * s.k);
    const B = backend.allocate(s.k * s.n);
    const C = backend.allocate(s.m * s.n);
    const values = new Float32Array(Math.max(s.m * s.k, s.k * s.n));
    for (let j = 0; j < values.length; j++) values[j] = ((j * 7919) % 1000) / 1000 - 0.5;
    backend.write(A, values.subarray(0, s.m * s.k));
    backend.write(B, values.subarray(0, s.k * s.n));
    backend.gemm(s.transA, s.transB, s.m, s.n, s.k, A, B, C, false);
    let runs = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < minMs || runs < 3) {
      backend.gemm(s.transA, s.transB, s.m, s.n, s.k, A, B, C, false);
      runs++;
      elapsed = performance.now() - start;
    }
    const ms = elapsed / runs;
    const gflops = (2 * s.m * s.n * s.k) / (ms * 1e6);
    results.push({ label: s.label, shape: `${s.transA ? 'T' : 'N'}${s.transB ? 'T' : 'N'} ${s.m}x${s.n}x${s.k}`, ms, gflops });
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { createBackend } = await import('../core/compute/registry');
  const backend = await createBackend(process.argv[2] ?? 'wasm-simd');
  console.log(`GEMM on the conv layers' shapes, batch 128, ${backend.description}`);
  for (const r of measureGemmFlops(backend, convGemmShapes(128))) console.log(`${r.label.padEnd(22)} ${r.shape.padEnd(22)} ${r.ms.toFixed(2).padStart(8)} ms ${r.gflops.toFixed(1).padStart(6)} GFLOP/s`);
  backend.dispose();
}
