/**
 * Renders a `npm run bench -- --out FILE` document as the Markdown table in docs/compute.md:
 *   node --import tsx bench/markdownTable.ts FILE
 */
import { readFileSync } from 'node:fs';
import type { KernelTime } from './profilingBackend';
import type { GemmFlopsResult } from './gemmFlops';
import type { GpuReport } from './systems/result';

interface Row {
  system: string;
  description: string;
  imagesPerSecond: number;
  msPerStep: number;
  peakRssMB: number;
  runMs: number[];
  stepsPerRun: number;
  profile?: KernelTime[];
  notes: string[];
  gpu?: GpuReport;
}

interface BenchDocument {
  batch: number;
  data: string;
  machine: string;
  results: (Row | { system: string; error: string })[];
  ratios: { system: string; vs: Record<string, number> }[];
  gemm: { gemm?: GemmFlopsResult[]; description: string } | null;
}

export function renderMarkdown(doc: BenchDocument): string {
  const rows = doc.results.filter((r): r is Row => 'imagesPerSecond' in r);
  const peers = rows.filter((r) => r.system.startsWith('tfjs-')).map((r) => r.system);
  const lines: string[] = [];
  lines.push(`Batch ${doc.batch}; ${doc.data}; ${doc.machine}.`, '');
  lines.push(`| system | what ran | images/s (median) | ms/step | peak RSS | runs x steps | ${peers.map((p) => `ours / ${p}`).join(' | ')} |`);
  lines.push(`|---|---|---:|---:|---:|---|${peers.map(() => '---:').join('|')}|`);
  for (const r of rows) {
    const ratio = doc.ratios.find((q) => q.system === r.system);
    const cells = peers.map((p) => (ratio ? `${ratio.vs[p].toFixed(2)}x` : '—'));
    lines.push(`| ${r.system} | ${r.description} | ${r.imagesPerSecond.toFixed(1)} | ${r.msPerStep.toFixed(1)} | ${r.peakRssMB.toFixed(0)} MB | ${r.runMs.length} x ${r.stepsPerRun} | ${cells.join(' | ')} |`);
  }
  for (const r of doc.results) if ('error' in r) lines.push(`| ${r.system} | failed: ${r.error} | | | | |`);
  for (const profiled of rows.filter((r) => r.profile)) {
    const total = profiled.profile!.reduce((s, k) => s + k.ms, 0);
    lines.push('', `Where a ${profiled.system} step goes (${total.toFixed(1)} ms in contract calls):`, '', '| kernel | ms/step | share |', '|---|---:|---:|');
    for (const k of profiled.profile!.slice(0, 12)) lines.push(`| ${k.kernel} | ${k.ms.toFixed(2)} | ${((100 * k.ms) / total).toFixed(1)}% |`);
  }
  for (const r of rows.filter((q) => q.gpu)) {
    const g = r.gpu!;
    const p = g.perStep;
    const downloads = Object.entries(p.downloads).map(([why, n]) => `${n} ${why}`).join(', ') || 'none';
    lines.push('', `${r.system}: gpu.js mode ${g.mode}${g.renderer ? ` on ${g.renderer}` : ''}; setup ${g.setupMs.toFixed(0)} ms + first step ${g.firstStepMs.toFixed(0)} ms, of which ${g.firstStepCompileMs.toFixed(0)} ms building ${g.firstStepCompiles} kernels; each later step: ${p.compiles} compiles, ${p.kernelRuns} kernel runs, ${p.uploads} uploads (${p.uploadedValues} values), downloads ${downloads} (${p.downloadedValues} values).`);
  }
  if (doc.gemm?.gemm) {
    lines.push('', `Our GEMM on the conv layers' shapes (${doc.gemm.description}):`, '', '| product | shape | ms | GFLOP/s |', '|---|---|---:|---:|');
    for (const g of doc.gemm.gemm) lines.push(`| ${g.label} | ${g.shape} | ${g.ms.toFixed(2)} | ${g.gflops.toFixed(1)} |`);
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(renderMarkdown(JSON.parse(readFileSync(process.argv[2], 'utf8')) as BenchDocument));
}
