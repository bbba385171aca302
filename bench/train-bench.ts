/**
 * npm run bench [-- --json] [--systems a,b (gpujs:webasm etc. for one gpu.js mode; gpujs:webgl2 runs in headless Chromium)] [--runs N] [--steps N] [--budget SECONDS] [--batch N] [--relaxed-simd] [--out FILE]
 *
 * --out FILE also writes the JSON document to FILE (the text table still goes to stdout).
 *
 * --relaxed-simd runs every child with Node 20's --experimental-wasm-relaxed-simd, so the wasm-simd
 * backend takes its fused multiply-add kernels, as it does by default in Electron 45 and Node >= 22.
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
import { availableParallelism, cpus } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDisplay } from '../core/compute/gpujs/virtualDisplay';
import { availableBackends } from '../core/compute/registry';
import { loadBenchData, prepareBenchData } from './benchData';
import { convGemmShapes, measureGemmFlops } from './gemmFlops';
import { runOurs } from './systems/ours';
import { RESULT_MARKER, type GpuReport, type SystemResult } from './systems/result';
import { runTfjs } from './systems/tfjs';

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
  if (system === 'gemm') {
    const { createBackend } = await import('../core/compute/registry');
    const backend = await createBackend('wasm-simd');
    const gemm = measureGemmFlops(backend, convGemmShapes(BATCH));
    result = { system, description: backend.description, batch: BATCH, imagesPerSecond: 0, msPerStep: 0, runMs: [], stepsPerRun: 0, warmupMs: [], firstLoss: NaN, lastLoss: NaN, notes: [], gemm };
    backend.dispose();
  } else if (system.startsWith('tfjs-')) {
    result = await runTfjs(system === 'tfjs-wasm' ? 'wasm' : 'cpu', data, BATCH, LR, TIMING);
  } else if (system === 'gpujs:webgl2') {
    result = await (await import('./webgl2/run')).runWebgl2(data, BATCH, LR, TIMING);
  } else {
    result = await runOurs(system, data, BATCH, LR, TIMING, system === 'wasm-simd' ? 3 : 0);
  }
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify({ ...result, peakRssMB })}\n`);
  process.exit(0);
}

/** Native PyTorch on the same data and model (bench/systems/pytorch.py), where Python has torch. */
function runPytorch(dataFile: string, log: (line: string) => void): SystemResult | { system: string; error: string } {
  const probe = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) return { system: 'pytorch', error: `not run: ${PYTHON} cannot import torch and numpy (Debian: apt-get install python3-torch)` };
  log('running pytorch ...');
  const script = fileURLToPath(new URL('./systems/pytorch.py', import.meta.url));
  const out = spawnSync(PYTHON, [script, dirname(dataFile), String(BATCH), String(LR), String(TIMING.warmup), String(TIMING.runs), String(TIMING.stepsPerRun)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const line = out.stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
  if (!line) return { system: 'pytorch', error: `exit ${out.status ?? out.signal}: ${out.stdout.trim().split('\n').slice(-3).join(' | ')}` };
  const result = JSON.parse(line.slice(RESULT_MARKER.length)) as SystemResult;
  log(`  pytorch: ${fmt(result.imagesPerSecond)} images/s, ${fmt(result.msPerStep)} ms/step, peak RSS ${fmt(result.peakRssMB, 0)} MB`);
  return result;
}

function runChild(system: string, dataFile: string, log: (line: string) => void): SystemResult | { system: string; error: string } {
  if (system === 'pytorch') return runPytorch(dataFile, log);
  log(`running ${system} ...`);
  // The child's stderr (progress of slow systems, errors) goes straight to ours.
  const flags = argv.includes('--relaxed-simd') ? ['--experimental-wasm-relaxed-simd'] : [];
  const out = spawnSync(process.execPath, [...flags, '--import', 'tsx', SELF, '--child', system, '--data', dataFile, ...argv], {
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
  const gemm = systems.includes('wasm-simd') || requested.includes('gemm') ? runChild('gemm', dataFile, log) : null;
  const unavailable = availability.filter((a) => !a.ok).map((a) => ({ name: a.name, reason: a.reason }));
  const logging = argv.includes('--no-logging') ? null : measureLogging(log);

  const ok = results.filter((r): r is SystemResult => 'imagesPerSecond' in r);
  const peers = ok.filter((r) => isPeer(r.system));
  const ratios = ok
    .filter((r) => !isPeer(r.system))
    .map((r) => ({ system: r.system, vs: Object.fromEntries(peers.map((p) => [p.system, r.imagesPerSecond / p.imagesPerSecond])) }));

  const document = JSON.stringify({ batch: BATCH, lr: LR, data: data.source, machine, timing: TIMING, results, ratios, gemm, unavailable, logging }, null, 2);
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
    log(`our GEMM on the conv layers' shapes (${gemm.description}):`);
    for (const g of gemm.gemm) log(`  ${g.label.padEnd(22)} ${g.shape.padEnd(20)} ${fmt(g.ms, 2).padStart(8)} ms ${fmt(g.gflops).padStart(6)} GFLOP/s`);
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
