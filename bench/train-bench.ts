/**
 * npm run bench [-- --json] [--systems a,b] [--runs N] [--steps N] [--budget SECONDS] [--batch N] [--no-fma] [--out FILE]
 *                 [--no-busy] [--no-scaling] [--threads 1,2]
 *
 * --systems also takes gpujs:<mode> (gpujs:webasm beside the GPU mode gpujs picks; gpujs:webgl2 runs in headless Chromium).
 *
 * --out FILE also writes the JSON document to FILE (the text table still goes to stdout).
 *
 * wasm-simd takes its relaxed-SIMD (fused multiply-add) kernels wherever they run (on Node 20 it
 * turns V8's flag on itself); --no-fma runs its children with CNNWB_RELAXED_SIMD=0 (plain simd128).
 *
 * Systems may repeat (--systems wasm-simd,pytorch,wasm-simd,pytorch): each of our runs is paired
 * with the peer's run next to it and the ratio table gives every pair, the median and the spread.
 * Where both wasm-simd and pytorch ran, the bench then (unless --no-busy) starts a process spinning
 * on one core and runs both again: the share of its quiet speed each keeps. And (unless
 * --no-scaling) both at 1, 2, 4, ... threads below the core count (--threads to choose).
 *
 * Trains the 3-layer simpleNN template at batch 128 (forward, backward, SGD step) on each of our
 * available compute backends and, in the same run, the same model, batch and optimizer in
 * TensorFlow.js (cpu and wasm backends) and, where Python has torch, native PyTorch. Each system runs in its own child process, so its peak
 * RSS is its own. Prints images/s (median of several runs), ms/step, peak RSS, our ratio to each
 * peer, where a wasm-simd step spends its time, and the GFLOP/s of our GEMM on the conv layers'
 * shapes, and the cost of recording a run in the workspace (bench/logging-bench.ts; --no-logging
 * skips it). --json prints one JSON document instead.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDisplay } from '../core/compute/gpujs/virtualDisplay';
import { availableBackends } from '../core/compute/registry';
import { RELAXED_SIMD_ENV } from '../core/compute/wasm/kernelModule';
import { loadBenchData, prepareBenchData } from './benchData';
import { convGemmShapes, measureGemmFlops } from './gemmFlops';
import { busyShare, pairedRatios, threadCounts, type BusyShare, type PairedRatios } from './peerComparison';
import { startSpinner } from './spinner';
import { runOurs } from './systems/ours';
import { RESULT_MARKER, type GpuReport, type SystemResult } from './systems/result';
import { median } from './stepTimer';

const argv = process.argv.slice(2);
function option(name: string, fallback: string): string {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 && at + 1 < argv.length ? argv[at + 1] : fallback;
}
const BATCH = Number(option('batch', '128'));
const LR = 0.001;
const TIMING = {
  warmup: 2,
  runs: Number(option('runs', '5')),
  stepsPerRun: Number(option('steps', '8')),
  budgetMs: Number(option('budget', '60')) * 1000,
};
const PEERS = ['tfjs-wasm', 'tfjs-cpu', 'pytorch'];
const isPeer = (system: string) => system.startsWith('tfjs-') || system === 'pytorch';
const PYTHON = process.env.CNNWB_PYTHON ?? '/usr/bin/python3';
const SELF = fileURLToPath(import.meta.url);

async function child(system: string, dataFile: string): Promise<void> {
  const data = loadBenchData(dataFile);
  let result: Omit<SystemResult, 'peakRssMB'>;
  const threads = Number(option('child-threads', '0')) || undefined;
  if (system === 'gemm') {
    const { WasmSimdBackend } = await import('../core/compute/wasm/wasmBackend');
    const backend = await WasmSimdBackend.create();
    // The peak is the best of several short windows before and after the shapes: on a shared
    // machine one window may catch a core taken by someone else.
    const counts = threadCounts(backend.threads);
    const best = counts.map(() => 0);
    const measurePeak = () => counts.forEach((t, i) => { for (let w = 0; w < 3; w++) best[i] = Math.max(best[i], backend.microKernelPeakGflops(t, 100)); });
    measurePeak();
    const shapes = measureGemmFlops(backend, convGemmShapes(BATCH));
    measurePeak();
    const peak = counts.map((threads, i) => ({ threads, gflops: best[i] }));
    const gemm = shapes.map((g) => ({ ...g, ofPeak: g.gflops / best[best.length - 1] }));
    result = { system, description: backend.description, batch: BATCH, imagesPerSecond: 0, msPerStep: 0, runMs: [], stepsPerRun: 0, warmupMs: [], firstLoss: NaN, lastLoss: NaN, notes: [], gemm, peak };
    backend.dispose();
  } else if (system.startsWith('tfjs-')) {
    // Imported only when asked for: a machine that benches our backends alone needs no TensorFlow.js.
    result = await (await import('./systems/tfjs')).runTfjs(system === 'tfjs-wasm' ? 'wasm' : 'cpu', data, BATCH, LR, TIMING);
  } else if (system === 'gpujs:webgl2') {
    result = await (await import('./webgl2/run')).runWebgl2(data, BATCH, LR, TIMING);
  } else {
    result = await runOurs(system, data, BATCH, LR, TIMING, system === 'wasm-simd' && !threads ? 3 : 0, threads);
  }
  if (threads) result = { ...result, threads };
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify({ ...result, peakRssMB })}\n`);
  process.exit(0);
}

/** Native PyTorch on the same data and model (bench/systems/pytorch.py), where Python has torch. */
function runPytorch(dataFile: string, log: (line: string) => void, threads?: number): SystemResult | { system: string; error: string } {
  const probe = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) return { system: 'pytorch', error: `not run: ${PYTHON} cannot import torch and numpy (Debian: apt-get install python3-torch)` };
  log(`running pytorch${threads ? ` (${threads} thread${threads === 1 ? '' : 's'})` : ''} ...`);
  const script = fileURLToPath(new URL('./systems/pytorch.py', import.meta.url));
  const args = [script, dirname(dataFile), String(BATCH), String(LR), String(TIMING.warmup), String(TIMING.runs), String(TIMING.stepsPerRun), ...(threads ? [String(threads)] : [])];
  const out = spawnSync(PYTHON, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const line = out.stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
  if (!line) return { system: 'pytorch', error: `exit ${out.status ?? out.signal}: ${out.stdout.trim().split('\n').slice(-3).join(' | ')}` };
  const result = JSON.parse(line.slice(RESULT_MARKER.length)) as SystemResult;
  log(`  pytorch: ${fmt(result.imagesPerSecond)} images/s, ${fmt(result.msPerStep)} ms/step, peak RSS ${fmt(result.peakRssMB, 0)} MB`);
  return threads ? { ...result, threads } : result;
}

function runChild(system: string, dataFile: string, log: (line: string) => void, threads?: number): SystemResult | { system: string; error: string } {
  if (system === 'pytorch') return runPytorch(dataFile, log, threads);
  log(`running ${system}${threads ? ` (${threads} thread${threads === 1 ? '' : 's'})` : ''} ...`);
  // The child's stderr (progress of slow systems, errors) goes straight to ours.
  const env = argv.includes('--no-fma') ? { ...process.env, [RELAXED_SIMD_ENV]: '0' } : process.env;
  const out = spawnSync(process.execPath, ['--import', 'tsx', SELF, '--child', system, '--data', dataFile, ...(threads ? ['--child-threads', String(threads)] : []), ...argv], {
    env,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = out.stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
  if (!line) return { system, error: `exit ${out.status ?? out.signal}: ${out.stdout.trim().split('\n').slice(-3).join(' | ')}` };
  const result = JSON.parse(line.slice(RESULT_MARKER.length)) as SystemResult;
  if (result.imagesPerSecond > 0) log(`  ${system}: ${fmt(result.imagesPerSecond)} images/s, ${fmt(result.msPerStep)} ms/step, peak RSS ${fmt(result.peakRssMB, 0)} MB`);
  return result;
}

const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '-');

async function parent(): Promise<void> {
  const json = argv.includes('--json');
  const log = json ? (_: string) => {} : (line: string) => console.log(line);
  // gpujs's GPU mode in Node needs an X display: a virtual one where gl is built and none is set (children inherit it).
  const display = await ensureDisplay();
  const availability = await availableBackends();
  const ours = availability.filter((a) => a.ok && a.name !== 'reference').map((a) => a.name);
  const requested = option('systems', '').split(',').filter(Boolean);
  const systems = requested.length ? requested : [...ours, ...PEERS];
  const dataFile = prepareBenchData(BATCH * 8);
  const data = loadBenchData(dataFile);
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}`;
  log(`train-bench: simpleNN 3-layer template, batch ${BATCH}, forward + backward + SGD step, lr ${LR}`);
  log(`data: ${data.source}`);
  log(`machine: ${machine}`);
  const results: (SystemResult | { system: string; error: string })[] = [];
  for (const system of systems) results.push(runChild(system, dataFile, log));
  const ok = results.filter((r): r is SystemResult => 'imagesPerSecond' in r);
  const versus = ok.some((r) => r.system === 'wasm-simd') && ok.some((r) => r.system === 'pytorch') ? ['wasm-simd', 'pytorch'] : [];

  // One core kept busy by another process: the share of its quiet speed each system keeps.
  const busy: BusyShare[] = [];
  if (versus.length && !argv.includes('--no-busy')) {
    log('one core kept busy by a spinning process:');
    const spinner = startSpinner();
    try {
      for (const system of versus) {
        const r = runChild(system, dataFile, log);
        const share = 'imagesPerSecond' in r ? busyShare(ok, r) : null;
        if (share) busy.push(share);
      }
    } finally {
      spinner.kill('SIGKILL');
    }
  }
  // Scaling: both at fewer threads than cores (the runs above used all of them).
  const cores = availableParallelism();
  const scalingThreads = option('threads', threadCounts(cores).join(',')).split(',').map(Number).filter((t) => t > 0 && t !== cores);
  const scaling: { system: string; threads: number; imagesPerSecond: number }[] = [];
  if (versus.length && !argv.includes('--no-scaling')) {
    for (const threads of scalingThreads)
      for (const system of versus) {
        const r = runChild(system, dataFile, log, threads);
        if ('imagesPerSecond' in r) scaling.push({ system, threads, imagesPerSecond: r.imagesPerSecond });
      }
    for (const system of versus) {
      const all = ok.filter((r) => r.system === system).map((r) => r.imagesPerSecond);
      scaling.push({ system, threads: cores, imagesPerSecond: median(all) });
    }
  }

  const gemm = systems.includes('wasm-simd') || requested.includes('gemm') ? runChild('gemm', dataFile, log) : null;
  const unavailable = availability.filter((a) => !a.ok).map((a) => ({ name: a.name, reason: a.reason }));
  const logging = argv.includes('--no-logging') ? null : measureLogging(log);

  const peers = ok.filter((r) => isPeer(r.system));
  const ratios = ok
    .filter((r) => !isPeer(r.system))
    .map((r) => ({ system: r.system, vs: Object.fromEntries(peers.map((p) => [p.system, r.imagesPerSecond / p.imagesPerSecond])) }));
  const ourSystems = [...new Set(ok.filter((r) => !isPeer(r.system)).map((r) => r.system))];
  const peerSystems = [...new Set(peers.map((r) => r.system))];
  const paired = ourSystems.flatMap((o) => peerSystems.map((p) => pairedRatios(ok, o, p))).filter((r): r is PairedRatios => r !== null);

  const document = JSON.stringify({ batch: BATCH, lr: LR, data: data.source, machine, load: loadavg(), timing: TIMING, results, ratios, paired, busy, scaling, gemm, unavailable, logging }, null, 2);
  const outFile = option('out', '');
  if (outFile) writeFileSync(outFile, document);
  if (json) {
    console.log(document);
    return;
  }
  log('');
  log(`${'system'.padEnd(11)} ${'images/s'.padStart(9)} ${'ms/step'.padStart(9)} ${'peak RSS'.padStart(9)}  runs x steps  what ran`);
  for (const r of results) {
    if ('error' in r) {
      log(`${r.system.padEnd(11)} FAILED: ${r.error}`);
      continue;
    }
    log(`${r.system.padEnd(11)} ${fmt(r.imagesPerSecond).padStart(9)} ${fmt(r.msPerStep).padStart(9)} ${`${fmt(r.peakRssMB, 0)} MB`.padStart(9)}  ${`${r.runMs.length} x ${r.stepsPerRun}`.padEnd(12)}  ${r.description}`);
  }
  for (const r of ok) for (const n of r.notes) log(`  note (${r.system}): ${n}`);
  for (const u of unavailable) log(`  not run: ${u.name}: ${u.reason}`);
  log('');
  const wasm = ok.find((r) => r.system === 'wasm-simd');
  for (const r of ratios.filter((q) => Object.keys(q.vs).length || (wasm && q.system !== 'wasm-simd'))) log(`${r.system}: ${Object.entries(r.vs).map(([p, v]) => `${fmt(v, 2)}x ${p}`).join(', ')}${wasm && r.system !== 'wasm-simd' ? `${Object.keys(r.vs).length ? ', ' : ''}${fmt(ok.find((q) => q.system === r.system)!.imagesPerSecond / wasm.imagesPerSecond, 3)}x wasm-simd` : ''}`);
  log(`ours / peer, each run paired with the peer's run next to it (load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at the end):`);
  for (const r of paired) log(`  ${r.system} / ${r.peer}: ${r.ratios.map((v) => `${fmt(v, 2)}x`).join(', ')}  (median ${fmt(r.median, 2)}x, range ${fmt(r.min, 2)}-${fmt(r.max, 2)}x)`);
  if (busy.length) {
    log('');
    log('one core kept busy by a spinning process: share of the quiet speed kept');
    for (const b of busy) log(`  ${b.system.padEnd(10)} ${fmt(b.busyImagesPerSecond).padStart(8)} images/s of ${fmt(b.quietImagesPerSecond)}: ${fmt(100 * b.share, 0)}% kept`);
  }
  if (scaling.length) {
    log('');
    log(`images/s by thread count: ${versus.join(' / ')}`);
    for (const t of [...new Set(scaling.map((x) => x.threads))].sort((a, b) => a - b)) {
      const cells = versus.map((system) => scaling.find((x) => x.system === system && x.threads === t)?.imagesPerSecond ?? NaN);
      log(`  ${String(t).padStart(2)} thread${t === 1 ? ' ' : 's'}  ${cells.map((c) => fmt(c).padStart(8)).join('  ')}  ratio ${fmt(cells[0] / cells[1], 2)}x`);
    }
  }
  if (display.started) log(`(gpujs ran on the virtual display ${display.display}: Xvfb, software GL)`);
  for (const profiled of ok.filter((r) => r.profile)) {
    const total = profiled.profile!.reduce((s, k) => s + k.ms, 0);
    log('');
    log(`where a ${profiled.system} step goes (${fmt(total)} ms in contract calls, mean of ${profiled.gpu?.accelerated ? '1 profiled step, gl.finish after each kernel' : '3 profiled steps'}):`);
    for (const k of profiled.profile!.slice(0, 14)) log(`  ${k.kernel.padEnd(30)} ${fmt(k.ms, 2).padStart(8)} ms ${fmt((100 * k.ms) / total).padStart(5)}%  (${k.calls} call${k.calls === 1 ? '' : 's'})`);
  }
  for (const r of ok) if (r.gpu) for (const line of gpuLines(r.gpu)) log(line);
  if (gemm && 'gemm' in gemm && gemm.gemm) {
    log('');
    const peak = gemm.peak ?? [];
    log(`our GEMM on the conv layers' shapes (${gemm.description}); micro-kernel peak measured here: ${peak.map((p) => `${fmt(p.gflops)} GFLOP/s on ${p.threads}`).join(', ')}`);
    for (const g of gemm.gemm) log(`  ${g.label.padEnd(22)} ${g.shape.padEnd(20)} ${fmt(g.ms, 2).padStart(8)} ms ${fmt(g.gflops).padStart(6)} GFLOP/s${g.ofPeak ? ` ${fmt(100 * g.ofPeak, 0).padStart(4)}% of peak` : ''}`);
  } else if (gemm && 'error' in gemm) log(`gemm: FAILED: ${gemm.error}`);
  if (logging && 'slowdownPercent' in logging) {
    log('');
    log(`recording a run in the workspace (${logging.setup}):`);
    log(`  logging off ${fmt(logging.imagesPerSecLoggingOff)} images/s, on ${fmt(logging.imagesPerSecLoggingOn)} images/s: ${fmt(logging.slowdownPercent)}% slower (goal: within 5%)`);
  } else if (logging) log(`logging: FAILED: ${logging.error}`);
}

/** gpujs: its mode and renderer, the first step's compiles apart, and a later step's transfers. */
function gpuLines(g: GpuReport): string[] {
  const p = g.perStep;
  const downloads = Object.entries(p.downloads).map(([why, n]) => `${fmt(n, 0)} ${why}`).join(', ') || 'none';
  return [
    '',
    `gpujs ran gpu.js mode ${g.mode}${g.renderer ? ` on ${g.renderer}` : ''}${g.accelerated ? '' : ' (no GPU: host memory)'}`,
    `  setup ${fmt(g.setupMs, 0)} ms + first step ${fmt(g.firstStepMs, 0)} ms, of which ${fmt(g.firstStepCompileMs, 0)} ms building ${g.firstStepCompiles} kernels (build + first run; cached per operation and shape)`,
    `  each later step: ${fmt(p.compiles, 0)} compiles, ${fmt(p.kernelRuns, 0)} kernel runs, ${fmt(p.uploads, 0)} uploads (${fmt(p.uploadedValues, 0)} values, ${fmt(p.uploadMs)} ms), downloads: ${downloads} (${fmt(p.downloadedValues, 0)} values, ${fmt(p.downloadMs)} ms)`,
  ];
}

/** Training with every event recorded vs recording off (bench/logging-bench.ts, in its own process). */
type LoggingResult = { slowdownPercent: number; setup: string; imagesPerSecLoggingOff: number; imagesPerSecLoggingOn: number } | { error: string };

function measureLogging(log: (line: string) => void): LoggingResult {
  log('running logging (recording on vs off) ...');
  const script = fileURLToPath(new URL('./logging-bench.ts', import.meta.url));
  const out = spawnSync(process.execPath, ['--import', 'tsx', script, '--json', '--rounds', option('logging-rounds', '3')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const line = out.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as LoggingResult;
  } catch {
    return { error: `exit ${out.status ?? out.signal}: ${out.stdout.trim().split('\n').slice(-3).join(' | ')}` };
  }
}

if (argv.includes('--child')) await child(option('child', ''), option('data', ''));
else await parent();
