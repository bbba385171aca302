/**
 * One of our compute backends training the 3-layer template: the engine's objectiveAndGradient and
 * a plain SGD step (theta <- theta - lr g, backend.axpby on the device).
 */
import { readFileSync } from 'node:fs';
import { createBackend } from '../../core/compute/registry';
import { WasmSimdBackend } from '../../core/compute/wasm/wasmBackend';
import { Network } from '../../core/engine/network';
import { compileGraph } from '../../core/graph/compile';
import { parseGraphText } from '../../core/graph/parse';
import type { BenchData } from '../benchData';
import { IMAGE_SIZE } from '../benchData';
import { ProfilingBackend } from '../profilingBackend';
import { median, timeSteps, type TimingOptions } from '../stepTimer';
import type { GpuReport, SystemResult } from './result';
import { GpujsBackend, gpujsModeFactory, type GpujsStats } from '../../core/compute/gpujs/gpujsBackend';

const TEMPLATE = new URL('../../resources/templates/simplenn-3layer.json', import.meta.url);

/** threads: wasm-simd's thread count (all cores when absent); the other backends run one thread. */
export async function runOurs(backendName: string, data: BenchData, batch: number, lr: number, timing: TimingOptions, profileSteps: number, threads?: number): Promise<Omit<SystemResult, 'peakRssMB'>> {
  const compiled = compileGraph(parseGraphText(readFileSync(TEMPLATE, 'utf8')));
  if (!compiled.ok) throw new Error(`template does not compile: ${compiled.errors.map((e) => e.message).join('; ')}`);
  // "gpujs:<mode>" runs gpu.js in that mode (e.g. gpujs:webasm beside the GPU mode gpujs picks).
  const [name, mode] = backendName.split(':');
  const setupStart = performance.now();
  const backend = new ProfilingBackend(
    mode ? await gpujsModeFactory(mode).create() : threads && name === 'wasm-simd' ? await WasmSimdBackend.create(threads) : await createBackend(name),
  );
  const network = new Network(compiled.network!, backend, { batchCapacity: batch });
  network.initialize(1);
  const setupMs = performance.now() - setupStart;
  const batches = Math.floor(data.count / batch);
  let t = 0;
  let loss = NaN;
  let firstLoss = NaN;
  const step = () => {
    const b = t++ % batches;
    const value = network.objectiveAndGradient(data.x.subarray(b * batch * IMAGE_SIZE, (b + 1) * batch * IMAGE_SIZE), data.labels.subarray(b * batch, (b + 1) * batch), batch);
    for (const p of network.parameters) backend.axpby(-lr, p.grad, 1, p.value, p.length);
    loss = value.meanLoss;
    if (Number.isNaN(firstLoss)) firstLoss = loss;
  };
  const gpujs = backend.inner instanceof GpujsBackend ? backend.inner : null;
  // The first step compiles every kernel (with the network's setup before it): its stats are kept apart.
  let afterFirst: GpujsStats | null = null;
  const timed = timeSteps(() => {
    step();
    if (gpujs && !afterFirst) afterFirst = { ...gpujs.stats, downloads: { ...gpujs.stats.downloads } };
  }, timing);
  let gpu: GpuReport | undefined;
  if (gpujs && afterFirst) {
    const { mode, accelerated, renderer } = gpujs.mode;
    const first: GpujsStats = afterFirst;
    gpu = { mode, accelerated, renderer, setupMs, firstStepMs: timed.warmupMs[0], firstStepCompiles: first.compiles, firstStepCompileMs: first.compileMs, perStep: statsDelta(gpujs.stats, first, timed.runMs.length * timed.stepsPerRun + timed.warmupMs.length - 1) };
  }
  const lastLoss = loss;
  let profile;
  // gpujs in a GPU mode: one profiled step, each kernel waiting for the GPU so its time is its own.
  if (gpujs?.mode.accelerated) profileSteps = 1;
  if (profileSteps > 0) {
    const before = gpujs ? { ...gpujs.stats, downloads: { ...gpujs.stats.downloads } } : null;
    if (gpujs) gpujs.syncKernels = true;
    backend.enabled = true;
    for (let s = 0; s < profileSteps; s++) step();
    backend.enabled = false;
    if (gpujs) gpujs.syncKernels = false;
    profile = backend.report().map((k) => ({ ...k, ms: k.ms / profileSteps, calls: k.calls / profileSteps }));
    if (gpujs && before && gpu) gpu.perStep = statsDelta(gpujs.stats, before, profileSteps);
  }
  const msPerStep = median(timed.runMs) / timed.stepsPerRun;
  const result = {
    system: backendName,
    description: backend.description,
    batch,
    imagesPerSecond: (batch * 1000) / msPerStep,
    msPerStep,
    runMs: timed.runMs,
    stepsPerRun: timed.stepsPerRun,
    warmupMs: timed.warmupMs,
    firstLoss,
    lastLoss,
    notes: [],
    profile,
    gpu,
  };
  backend.dispose();
  return result;
}

function statsDelta(now: GpujsStats, before: GpujsStats, steps: number): GpuReport['perStep'] {
  const downloads: Record<string, number> = {};
  for (const [why, n] of Object.entries(now.downloads)) if (n - (before.downloads[why] ?? 0) > 0) downloads[why] = (n - (before.downloads[why] ?? 0)) / steps;
  return {
    compiles: (now.compiles - before.compiles) / steps,
    kernelRuns: (now.kernelRuns - before.kernelRuns) / steps,
    uploads: (now.uploads - before.uploads) / steps,
    uploadedValues: (now.uploadedValues - before.uploadedValues) / steps,
    uploadMs: (now.uploadMs - before.uploadMs) / steps,
    downloads,
    downloadedValues: (now.downloadedValues - before.downloadedValues) / steps,
    downloadMs: (now.downloadMs - before.downloadMs) / steps,
  };
}
