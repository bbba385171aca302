/**
 * Runs in headless Chromium (bench/webgl2/run.ts): the bench's training step — the 3-layer
 * template, forward + backward + SGD — on the gpujs backend in gpu.js's webgl2 mode. Publishes
 * the step times, one profiled step and the backend's transfer counts on `window.benchResult`.
 */
import { GpujsBackend } from '../../core/compute/gpujs/gpujsBackend';
import { detectGpujsMode } from '../../core/compute/gpujs/gpujsMode';
import { Network } from '../../core/engine/network';
import { compileGraph } from '../../core/graph/compile';
import { parseGraphText } from '../../core/graph/parse';
import { ProfilingBackend } from '../profilingBackend';

interface PageInput {
  template: string;
  x: number[];
  labels: number[];
  batch: number;
  lr: number;
  steps: number;
}

const w = globalThis as unknown as { benchInput: PageInput; benchResult?: unknown };

async function run(input: PageInput) {
  const compiled = compileGraph(parseGraphText(input.template));
  if (!compiled.ok) throw new Error('template does not compile');
  const setupStart = performance.now();
  const gpujs = GpujsBackend.create(detectGpujsMode('webgl2'));
  const backend = new ProfilingBackend(gpujs);
  const network = new Network(compiled.network!, backend, { batchCapacity: input.batch });
  network.initialize(1);
  const setupMs = performance.now() - setupStart;
  const x = Float32Array.from(input.x);
  const labels = Int32Array.from(input.labels);
  let loss = NaN;
  const step = () => {
    loss = network.objectiveAndGradient(x, labels, input.batch).meanLoss;
    for (const p of network.parameters) backend.axpby(-input.lr, p.grad, 1, p.value, p.length);
  };
  const time = () => {
    const start = performance.now();
    step();
    return performance.now() - start;
  };
  const firstStepMs = time();
  const first = { ...gpujs.stats, downloads: { ...gpujs.stats.downloads } };
  const stepMs = Array.from({ length: input.steps }, time);
  const before = { ...gpujs.stats, downloads: { ...gpujs.stats.downloads } };
  gpujs.syncKernels = true;
  backend.enabled = true;
  step();
  backend.enabled = false;
  const after = gpujs.stats;
  const downloads: Record<string, number> = {};
  for (const [why, n] of Object.entries(after.downloads)) if (n > (before.downloads[why] ?? 0)) downloads[why] = n - (before.downloads[why] ?? 0);
  const result = {
    description: gpujs.description,
    mode: gpujs.mode,
    setupMs,
    firstStepMs,
    firstStepCompiles: first.compiles,
    firstStepCompileMs: first.compileMs,
    stepMs,
    loss,
    profile: backend.report(),
    perStep: {
      compiles: after.compiles - before.compiles,
      kernelRuns: after.kernelRuns - before.kernelRuns,
      uploads: after.uploads - before.uploads,
      uploadedValues: after.uploadedValues - before.uploadedValues,
      uploadMs: after.uploadMs - before.uploadMs,
      downloads,
      downloadedValues: after.downloadedValues - before.downloadedValues,
      downloadMs: after.downloadMs - before.downloadMs,
    },
  };
  backend.dispose();
  return result;
}

run(w.benchInput).then(
  (r) => (w.benchResult = r),
  (e: Error) => (w.benchResult = { error: e.message }),
);
