/**
 * The compute backends this build knows, and the choice among them: `--backend <name>` in the CLI
 * and the app's setting name one; 'auto' (or nothing) takes the fastest available.
 *
 * The automatic order comes from `npm run bench` (docs/compute.md): on a CPU the wasm-simd
 * backend trains many times faster than gpu.js (webasm/cpu modes) and the plain JS baseline.
 * Only where gpu.js reports a real GPU mode (headlessgl/webgl2/webgl) is the choice calibrated:
 * one conv-shaped step is timed on both and the faster wins; the reason is part of the description.
 */
import type { BackendFactory, ComputeBackend } from './backend';
import { timeConvStep } from './convStepTiming';
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
  /** What would run, where the backend says before creating one (gpujs: mode and GL renderer). */
  description?: string;
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
    result.push(a.ok ? { name: f.name, dtype: f.dtype, ok: true, ...(a.description ? { description: a.description } : {}) } : { name: f.name, dtype: f.dtype, ok: false, reason: a.reason });
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

/** What `auto` chose and why, in a line for the user (it ends up in the backend's description). */
export interface BackendChoice {
  backend: ComputeBackend;
  reason: string;
}

/** Appends the reason for an automatic choice to the description every report shows. */
function explained(choice: BackendChoice): ComputeBackend {
  Object.defineProperty(choice.backend, 'description', { value: `${choice.backend.description}; auto: ${choice.reason}`, configurable: true });
  return choice.backend;
}

/**
 * The fastest available backend and why. Where gpu.js runs a real GPU mode, gpujs is created (it
 * must pass its start-up check against the reference) and one conv-shaped step is timed on it and
 * on wasm-simd; the faster wins. Everywhere else the order of BACKEND_FACTORIES decides.
 */
export async function chooseAutomatically(gpujs = gpujsFactory, wasmSimd: BackendFactory = wasmSimdFactory, stepInstances = 32): Promise<BackendChoice> {
  const gpu = await gpujs.available();
  const wasm = await wasmSimd.available();
  const gpuMode = gpu.ok ? gpujs.mode() : null;
  if (gpuMode?.accelerated && wasm.ok) {
    const a = await wasmSimd.create();
    let b: ComputeBackend;
    try {
      b = await gpujs.create();
    } catch (error) {
      return { backend: a, reason: `wasm-simd, because ${(error as Error).message}` };
    }
    const [ta, tb] = [timeConvStep(a, stepInstances), timeConvStep(b, stepInstances)];
    const timings = `a conv-shaped step took ${ta.toFixed(1)} ms on wasm-simd, ${tb.toFixed(1)} ms on gpujs`;
    (ta <= tb ? b : a).dispose();
    return ta <= tb ? { backend: a, reason: `wasm-simd, faster here: ${timings}` } : { backend: b, reason: `gpujs, faster here: ${timings}` };
  }
  const gpuNote = gpuMode ? `gpu.js has no GPU mode here (${gpuMode.mode})` : `gpujs is unavailable (${gpu.ok ? '' : gpu.reason})`;
  for (const f of BACKEND_FACTORIES) {
    const a = await f.available();
    if (a.ok) return { backend: await f.create(), reason: f.name === 'wasm-simd' ? `wasm-simd, the fastest on a CPU; ${gpuNote}` : `${f.name}, the first that runs here` };
  }
  return { backend: createReferenceBackend(), reason: 'reference, nothing else runs here' };
}

/**
 * The backend to train with: the named one when `preference` names one (errors say why it cannot
 * be used), else the fastest available, its description saying why it was chosen.
 */
export async function chooseBackend(preference?: string): Promise<ComputeBackend> {
  if (preference && preference !== AUTO_BACKEND) return createBackend(preference);
  return explained(await chooseAutomatically());
}
