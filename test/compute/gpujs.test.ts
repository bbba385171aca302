/**
 * The gpujs backend's GPU-mode duties beyond the arithmetic (conformance.test.ts covers that):
 * refusing contexts that cannot compute float32, the start-up check refusing a faulty kernel, a
 * kernel that cannot build stopping the run by name, nothing downloaded in a training step but
 * what the contract's read/dot ask for, kernels compiled once per shape, and `auto` saying why.
 * The GL parts run in headlessgl (under Xvfb when there is no display; scripts/setup-gpu.sh
 * builds gl) and are skipped, with the reason, where gl is not built.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendFactory, ComputeBackend } from '../../core/compute/backend';
import { GpujsBackend, gpujsModeFactory, type KernelSources } from '../../core/compute/gpujs/gpujsBackend';
import { glContextProblem, glRenderer, type GlContextLike, type GpujsMode } from '../../core/compute/gpujs/gpujsMode';
import * as sources from '../../core/compute/gpujs/kernelSources';
import { chooseAutomatically, createBackend } from '../../core/compute/registry';
import { createJsBackend } from '../../core/compute/reference/typedArrayBackend';
import { Network } from '../../core/engine/network';
import { compileGraph } from '../../core/graph/compile';
import { parseGraphText } from '../../core/graph/parse';
import { Random } from '../../core/util/random';
import { ProfilingBackend } from '../../bench/profilingBackend';
import { gpujsModeFactories } from './gpujsModes';

execFileSync(process.execPath, ['scripts/build-wasm.mjs'], { stdio: 'inherit' });

/** A WebGL context that answers only what it is told (no extensions unless listed). */
function fakeContext(extensions: Record<string, unknown>, lost = false): GlContextLike {
  return { VENDOR: 1, RENDERER: 2, VERSION: 3, getExtension: (name) => extensions[name] ?? null, getParameter: (p) => ({ 1: 'Some Vendor', 2: 'Some Renderer', 10: 'NVIDIA Corporation', 11: 'NVIDIA GeForce RTX 4070' })[p] ?? null, isContextLost: () => lost };
}

describe('gpujs: GL contexts that cannot compute float32 are refused, by cause', () => {
  it('names a missing float-texture extension, and a lost context', () => {
    expect(glContextProblem(fakeContext({}), 'headlessgl')).toMatch(/no float textures \(no OES_texture_float/);
    expect(glContextProblem(fakeContext({}), 'webgl2')).toMatch(/cannot render to float textures \(no EXT_color_buffer_float\)/);
    expect(glContextProblem(fakeContext({ OES_texture_float: {} }, true), 'webgl')).toMatch(/GL context is lost/);
    expect(glContextProblem(fakeContext({ OES_texture_float: {} }), 'headlessgl')).toBeNull();
    expect(glContextProblem(fakeContext({ EXT_color_buffer_float: {} }), 'webgl2')).toBeNull();
  });

  it('names the GPU: unmasked vendor / renderer where the context tells them', () => {
    expect(glRenderer(fakeContext({}))).toBe('Some Vendor / Some Renderer');
    expect(glRenderer(fakeContext({ WEBGL_debug_renderer_info: { UNMASKED_VENDOR_WEBGL: 10, UNMASKED_RENDERER_WEBGL: 11 } }))).toBe('NVIDIA Corporation / NVIDIA GeForce RTX 4070');
  });
});

describe('auto', () => {
  const accelerated: GpujsMode = { mode: 'webgl2', accelerated: true, renderer: 'Test / Fake GPU' };
  const wasmLike: BackendFactory = { name: 'wasm-simd', dtype: 'float32', available: async () => ({ ok: true }), create: async () => createJsBackend() };
  const gpuLike = (create: () => Promise<ComputeBackend>) => ({ ...gpujsModeFactory('webasm'), mode: () => accelerated, available: async () => ({ ok: true as const }), create });

  it('falls back to wasm-simd, saying why, when the GPU backend fails its start-up check', async () => {
    const failing = gpuLike(async () => {
      throw new Error('gpujs (webgl2 on Test / Fake GPU): start-up check failed: gemm NT 7x5x13 differs from the float64 reference by 0.5');
    });
    const choice = await chooseAutomatically(failing, wasmLike);
    expect(choice.backend.dtype).toBe('float32');
    expect(choice.reason).toMatch(/^wasm-simd, because gpujs \(webgl2 on Test \/ Fake GPU\): start-up check failed: gemm NT/);
    choice.backend.dispose();
  });

  it('times a conv-shaped step on both and says which was faster, with the times', async () => {
    const choice = await chooseAutomatically(gpuLike(async () => createJsBackend()), wasmLike, 1);
    expect(choice.reason).toMatch(/^(wasm-simd|gpujs), faster here: a conv-shaped step took [\d.]+ ms on wasm-simd, [\d.]+ ms on gpujs$/);
    choice.backend.dispose();
  });
});

const [headless] = await gpujsModeFactories();
const headlessStatus = await headless.available();

describe.skipIf(!headlessStatus.ok)(`gpujs in headlessgl${headlessStatus.ok ? '' : `: unavailable here: ${headlessStatus.reason}`}`, () => {
  let mode: GpujsMode;
  beforeAll(() => {
    mode = headless.mode!();
  });

  it('describes itself with the mode and the GL renderer, before and after creation', async () => {
    expect(mode.mode).toBe('headlessgl');
    expect(mode.renderer).toMatch(/\S+ \/ \S+/);
    const listed = await headless.available();
    expect(listed.ok && listed.description).toContain(`headlessgl on ${mode.renderer}`);
    const backend = GpujsBackend.create(mode);
    expect(backend.description).toBe(`gpu.js (headlessgl on ${mode.renderer}, data kept on the device)`);
    backend.dispose();
  });

  it('refuses, at start-up, a kernel that computes wrong numbers, naming the operation', () => {
    const faulty: KernelSources = { ...sources, gemm: (transA, transB) => sources.gemm(transA, transB).replace('return sum;', 'return sum * 1.01;') };
    expect(() => GpujsBackend.create(mode, { sources: faulty })).toThrow(/^gpujs \(gpu\.js \(headlessgl.*\): start-up check failed: gemm NN 7x5x13 differs from the float64 reference by .*this GPU backend is not trusted$/);
  });

  it('stops with the backend and the kernel named when a kernel cannot build', () => {
    const broken: KernelSources = { ...sources, axpby: 'function(x, y, alpha, beta) { return x[this.thread.x] +* y[this.thread.x]; }' };
    expect(() => GpujsBackend.create(mode, { sources: broken })).toThrow(/^gpujs \(headlessgl\): kernel axpby \(45 outputs\) failed to build: /);
  });

  it('stops reading from a lost context instead of returning zeros', () => {
    const backend = GpujsBackend.create(mode);
    const t = backend.allocate(5);
    backend.fill(t, 2);
    expect(Array.from(backend.read(t))).toEqual([2, 2, 2, 2, 2]);
    const context = (backend as unknown as { gpu: { context: { isContextLost: () => boolean } } }).gpu.context;
    context.isContextLost = () => true;
    expect(() => backend.read(t)).toThrow('gpujs (headlessgl): the GL context is lost (GPU reset, driver crash or too many contexts); results cannot be trusted, stopping');
    backend.dispose();
  });

  describe('a training step of the 3-layer template (batch 16, chunks of 8)', () => {
    let gpujs: GpujsBackend;
    let counted: ProfilingBackend;
    let network: Network;
    let step: () => void;
    beforeAll(() => {
      gpujs = GpujsBackend.create(mode);
      counted = new ProfilingBackend(gpujs);
      const compiled = compileGraph(parseGraphText(readFileSync('resources/templates/simplenn-3layer.json', 'utf8')));
      network = new Network(compiled.network!, counted, { batchCapacity: 8 });
      network.initialize(3);
      const random = new Random(1);
      const x = Float32Array.from({ length: 16 * network.inputSize }, () => random.uniform());
      const labels = Int32Array.from({ length: 16 }, () => random.int(network.classes));
      step = () => {
        network.objectiveAndGradient(x, labels, 16);
        for (const p of network.parameters) counted.axpby(-0.001, p.grad, 1, p.value, p.length);
      };
      step();
    }, 300_000);
    afterAll(() => gpujs?.dispose());

    it('compiles no kernel after the first step, and downloads only what read and dot ask for', () => {
      const before = { ...gpujs.stats, downloads: { ...gpujs.stats.downloads } };
      counted.enabled = true;
      step();
      counted.enabled = false;
      const calls = new Map(counted.report().map((k) => [k.kernel, k.calls]));
      counted.reset();
      const after = gpujs.stats;
      expect(after.compiles - before.compiles).toBe(0);
      const downloads = Object.fromEntries(Object.entries(after.downloads).map(([why, n]) => [why, n - (before.downloads[why] ?? 0)]).filter(([, n]) => (n as number) > 0));
      // The engine reads each chunk's scores (2 chunks) and, with a regulariser, dots each parameter.
      expect(downloads).toEqual({ read: calls.get('read (backend -> host)'), ...(calls.get('dot') ? { dot: calls.get('dot') } : {}) });
      expect(downloads.read).toBe(2);
      // Uploads: the input batch and dxi/dz of each chunk; nothing else crosses to the device.
      expect(after.uploads - before.uploads).toBe(calls.get('write (host -> backend)'));
      expect(after.kernelRuns - before.kernelRuns).toBeGreaterThan(50);
    });
  });
});

describe('gpujs by name', () => {
  it('is created through the registry in the mode gpu.js picks, named in its description', async () => {
    const backend = await createBackend('gpujs');
    expect(backend.description).toMatch(/^gpu\.js \((headlessgl on .+, data kept on the device|webasm, no GPU: host memory)\)$/);
    backend.dispose();
  });
});
