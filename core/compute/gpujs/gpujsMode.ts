/**
 * Which gpu.js backend runs on this machine. gpu.js picks it (headlessgl -> webgl2 -> webgl ->
 * webasm -> cpu); webgpu kernels are asynchronous only in gpu.js 2.x, so they cannot serve the
 * synchronous compute contract and are not asked for.
 */
import { GPU } from 'gpu.js';

export interface GpujsMode {
  /** The gpu.js mode name that kernels actually run in. */
  mode: string;
  /** True for modes that run on a GPU (textures stay on the device between kernels). */
  accelerated: boolean;
}

const ACCELERATED_MODES = new Set(['headlessgl', 'webgl2', 'webgl', 'gpu', 'webgpu']);

export function isAcceleratedMode(mode: string): boolean {
  return ACCELERATED_MODES.has(mode);
}

/** Builds one tiny kernel and reports the mode it ran in (a kernel may degrade, e.g. to cpu). */
export function detectGpujsMode(): GpujsMode {
  const gpu = new GPU();
  try {
    const probe = gpu.createKernel('function(a) { return a[this.thread.x] * 2; }', { output: [4], precision: 'single' });
    const result = probe(new Float32Array([1, 2, 3, 4])) as Float32Array;
    if (result[3] !== 8) throw new Error(`gpu.js probe kernel computed ${Array.from(result)} instead of 2,4,6,8`);
    const kernel = (probe as unknown as { kernel?: { constructor: { mode?: string } } }).kernel;
    const mode = kernel?.constructor.mode ?? gpu.mode ?? 'unknown';
    return { mode, accelerated: isAcceleratedMode(mode) };
  } finally {
    gpu.destroy();
  }
}
