import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainingEventMessage } from '../../core/api/contract';
import type { GradientCheckResult } from '../../core/api/inspect';
import { startServiceWorker, type ServiceClient } from '../../electron/main/service-client';
import { repoRoot, templatesFolder, tempService } from './fixtures';

const outMain = join(repoRoot, 'out', 'main');
/** What the built service worker starts: the worker bundles and the kernels (electron.vite.config.ts). */
const BUILT_WORKER_FILES = ['service-worker.js', 'trainingWorker.js', 'inspectionWorker.js', 'wasmThread.js', 'wasm/kernels.wasm', 'wasm/kernels-relaxed.wasm'];
const BUILD_INPUTS = ['core', 'electron', 'electron.vite.config.ts', join('build', 'wasm')];

function newestMtime(path: string): number {
  if (!statSync(path).isDirectory()) return statSync(path).mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function mainBuildIsStale(): boolean {
  const files = BUILT_WORKER_FILES.map((f) => join(outMain, f));
  if (!files.every((f) => existsSync(f))) return true;
  const built = Math.min(...files.map((f) => statSync(f).mtimeMs));
  return Math.max(...BUILD_INPUTS.map((p) => newestMtime(join(repoRoot, p)))) > built;
}

/** Builds out/ when the main build is missing or older than core/electron, under the lock test/e2e/harness.ts uses. */
function ensureFreshMainBuild(): void {
  const lock = join(repoRoot, 'out', '.build-lock');
  mkdirSync(join(repoRoot, 'out'), { recursive: true });
  const deadline = Date.now() + 120_000;
  while (mainBuildIsStale()) {
    try {
      mkdirSync(lock);
    } catch {
      if (Date.now() > deadline) throw new Error(`${lock} held for 2 minutes; remove it if no build is running`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
      continue;
    }
    try {
      if (mainBuildIsStale()) execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: repoRoot, stdio: 'pipe' });
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** input 28×28 → conv 4 filters 5×5 (relu) → max-pool 2 → fc 10 → squared loss: trains and checks in well under a second. */
const tinyGraph = {
  format: 'cnnwb-graph',
  version: 1,
  name: 'tiny',
  nodes: [
    { id: 'input', name: 'input', kind: 'input', params: { channels: 1, height: 28, width: 28 }, position: { x: 0, y: 0 } },
    { id: 'conv1', name: 'conv1', kind: 'conv', params: { filters: 4, size: 5, stride: 1, padding: 2, activation: 'relu' }, position: { x: 0, y: 100 } },
    { id: 'pool1', name: 'pool1', kind: 'pool', params: { mode: 'max', size: 2, stride: 2 }, position: { x: 0, y: 200 } },
    { id: 'fc1', name: 'fc1', kind: 'fc', params: { units: 10, activation: 'linear' }, position: { x: 0, y: 300 } },
    { id: 'output', name: 'output', kind: 'output', params: { loss: 'squared', classes: 10, C: null }, position: { x: 0, y: 400 } },
  ],
  edges: [
    { id: 'e1', source: 'input', target: 'conv1' },
    { id: 'e2', source: 'conv1', target: 'pool1' },
    { id: 'e3', source: 'pool1', target: 'fc1' },
    { id: 'e4', source: 'fc1', target: 'output' },
  ],
};

// The Electron build bundles core into out/main/; the workers it starts (training, inspection, the
// wasm-simd threads) and the wasm kernels must be found there, not next to the TypeScript sources.
// Plain Node runs the BUILT service worker exactly as Electron main starts it (service-client.ts).
describe('the built Electron service worker starts its own worker threads', () => {
  let t: ReturnType<typeof tempService>;
  let client: ServiceClient;
  const events: TrainingEventMessage[] = [];
  const until = async (check: () => boolean, what: string, ms = 60_000) => {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; events: ${JSON.stringify(events.map((e) => e.event.type))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  beforeAll(async () => {
    ensureFreshMainBuild();
    t = tempService();
    t.close(); // the worker opens the workspace itself
    client = await startServiceWorker(join(outMain, 'service-worker.js'), { workspacePath: join(t.folder, 'built.db'), templatesFolder, version: 'built' });
    client.onEvent((name, data) => {
      if (name === 'onTrainingEvent') events.push(data as TrainingEventMessage);
    });
  }, 180_000);
  afterAll(async () => {
    await client?.close();
    t?.dispose();
  });

  it('the bundle carries the worker entries and kernels, and no TypeScript bootstrap', () => {
    for (const file of BUILT_WORKER_FILES) expect(existsSync(join(outMain, file)), file).toBe(true);
    expect(readdirSync(outMain).filter((f) => f.endsWith('.mjs') || f.endsWith('.ts'))).toEqual([]);
  });

  it('trains a few steps with wasm-simd in the bundled training worker, and stops', async () => {
    const backends = (await client.call('listBackends', [])) as { name: string; ok: boolean; reason?: string }[];
    expect(backends.find((b) => b.name === 'wasm-simd')).toMatchObject({ ok: true });
    const started = (await client.call('startTraining', [
      { graph: tinyGraph, data: 'sample', settings: { epochs: 3, batchSize: 8, statsEvery: 2, validationFraction: 0.1 }, backend: 'wasm-simd', runName: 'built' },
    ])) as { runId: number; backend: string };
    expect(started.backend).toBe('wasm-simd');
    const of = (type: string) => events.filter((e) => e.runId === started.runId && e.event.type === type).map((e) => e.event);
    await until(() => of('step').length >= 3, 'three steps');
    await client.call('stopTraining', [started.runId]);
    await until(() => of('ended').length === 1, 'the end of the run');
    expect(of('ended')[0]).toMatchObject({ status: 'stopped' });
    const steps = of('step') as { loss: number; stepMs: number }[];
    const { totalSteps } = of('started')[0] as { totalSteps: number };
    expect(steps.length).toBeLessThan(totalSteps);
    expect(steps.every((s) => Number.isFinite(s.loss))).toBe(true);
    console.log(`built worker, wasm-simd: ${steps.length} of ${totalSteps} steps before the stop, median step ${steps.map((s) => s.stepMs).sort((a, b) => a - b)[steps.length >> 1].toFixed(2)} ms`);
    const run = (await client.call('getRun', [started.runId])) as { summary: { status: string; backend: string }; steps: unknown[]; checkpointSteps: number[] };
    expect(run.summary).toMatchObject({ status: 'stopped' });
    expect(run.steps.length).toBe(steps.length);
    expect(run.checkpointSteps.length).toBeGreaterThan(0);

    // One gradient check in the bundled inspection worker, on the run's checkpoint.
    const check = (await client.call('gradientCheck', [{ graph: tinyGraph, runId: started.runId, data: 'sample' }, 'conv1', 2])) as GradientCheckResult;
    expect(check.weights).toMatch(/checkpoint at step/);
    expect(check.relativeError).toBeLessThan(1e-6);
  }, 120_000);
});
