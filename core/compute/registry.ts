/**
 * The compute backends this build knows, and the choice among them: `--backend <name>` in the CLI
 * and the app's setting name one; 'auto' (or nothing) takes the fastest available.
 *
 * The automatic order comes from `npm run bench` (docs/compute.md): on a CPU the wasm-simd
 * backend trains many times faster than gpu.js (webasm/cpu modes) and the plain JS baseline.
 * Only where gpu.js reports a real GPU mode (webgl/headlessgl/webgpu) is the choice calibrated:
 * one conv-shaped GEMM is timed on both and the faster wins.
 */
import type { BackendFactory, ComputeBackend } from './backend';
import { gpujsFactory } from './gpujs/gpujsBackend';
import { createJsBackend, createReferenceBackend } from './reference/typedArrayBackend';
import { wasmSimdFactory } from './wasm/wasmBackend';

export const referenceFactory: BackendFactory = {
  name: 'reference',
  dtype: 'float64',
  available: async () => ({ ok: true }),
  create: async () => createReferenceBackend(),
};

export const jsFactory: BackendFactory = {
  name: 'js',
  dtype: 'float32',
  available: async () => ({ ok: true }),
  create: async () => createJsBackend(),
};

/** Every backend, in the automatic order of preference (fastest first on a CPU-only machine). */
export const BACKEND_FACTORIES: readonly BackendFactory[] = [wasmSimdFactory, gpujsFactory, jsFactory, referenceFactory];

export const AUTO_BACKEND = 'auto';

export interface BackendAvailability {
  name: string;
  dtype: string;
  ok: boolean;
  /** Why it cannot run here (when !ok). */
  reason?: string;
}

export function backendNames(): string[] {
  return BACKEND_FACTORIES.map((f) => f.name);
}

function factoryNamed(name: string): BackendFactory {
  const factory = BACKEND_FACTORIES.find((f) => f.name === name);
  if (!factory) throw new Error(`unknown compute backend "${name}": choose one of ${[AUTO_BACKEND, ...backendNames()].join(', ')}`);
  return factory;
}

export async function availableBackends(): Promise<BackendAvailability[]> {
  const result: BackendAvailability[] = [];
  for (const f of BACKEND_FACTORIES) {
    const a = await f.available();
    result.push(a.ok ? { name: f.name, dtype: f.dtype, ok: true } : { name: f.name, dtype: f.dtype, ok: false, reason: a.reason });
  }
  return result;
}

/** Creates the named backend, or throws saying why it is unknown or cannot run here. */
export async function createBackend(name: string): Promise<ComputeBackend> {
  const factory = factoryNamed(name);
  const a = await factory.available();
  if (!a.ok) throw new Error(`compute backend "${name}" is not available on this machine: ${a.reason}`);
  return factory.create();
}

/** Milliseconds of one GEMM shaped like conv2's forward product (64 x 25088 x 288), after one warm-up. */
function timeConvGemm(backend: ComputeBackend): number {
  const m = 64;
  const n = 14 * 14 * 128;
  const k = 288;
  const A = backend.allocate(m * k);
  const B = backend.allocate(k * n);
  const C = backend.allocate(m * n);
  backend.fill(A, 0.01);
  backend.fill(B, 0.02);
  backend.gemm(false, false, m, n, k, A, B, C, false);
  const start = performance.now();
  backend.gemm(false, false, m, n, k, A, B, C, false);
  backend.read(C, 1);
  return performance.now() - start;
}

/**
 * The backend to train with: the named one when `preference` names one (errors say why it cannot
 * be used), else the fastest available.
 */
export async function chooseBackend(preference?: string): Promise<ComputeBackend> {
  if (preference && preference !== AUTO_BACKEND) return createBackend(preference);
  const gpu = await gpujsFactory.available();
  const gpuMode = gpu.ok && (await import('./gpujs/gpujsMode')).detectGpujsMode();
  const wasm = await wasmSimdFactory.available();
  if (gpuMode && gpuMode.accelerated && wasm.ok) {
    const [a, b] = [await wasmSimdFactory.create(), await gpujsFactory.create()];
    const [ta, tb] = [timeConvGemm(a), timeConvGemm(b)];
    (ta <= tb ? b : a).dispose();
    return ta <= tb ? a : b;
  }
  for (const f of BACKEND_FACTORIES) {
    if ((await f.available()).ok) return f.create();
  }
  return createReferenceBackend();
}
