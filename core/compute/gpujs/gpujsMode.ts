/**
 * Which gpu.js backend runs on this machine, and on what. gpu.js picks it (headlessgl -> webgl2 ->
 * webgl -> webasm -> cpu) unless a mode is asked for; webgpu kernels are asynchronous only in
 * gpu.js 2.x, so they cannot serve the synchronous compute contract and are not asked for.
 * A GL mode is accepted only with float textures that can be read back (single precision):
 * without them gpu.js would pack values into 8-bit channels, which is not float32 arithmetic.
 */
import { CPUKernel, GPU, HeadlessGLKernel, WebAssemblyKernel, WebGL2Kernel, WebGLKernel } from 'gpu.js';

export interface GpujsMode {
  /** The gpu.js mode kernels actually run in: headlessgl, webgl2, webgl, webasm or cpu. */
  mode: string;
  /** True for modes that run on a GPU (textures stay on the device between kernels). */
  accelerated: boolean;
  /** The GL vendor / renderer (e.g. "Google Inc. (NVIDIA) / ANGLE (NVIDIA GeForce ...)"), null off GL. */
  renderer: string | null;
}

const ACCELERATED_MODES = new Set(['headlessgl', 'webgl2', 'webgl', 'gpu']);

/** The modes a caller may ask for (the conformance suite runs each one that is available). */
export const GPUJS_MODES = ['headlessgl', 'webgl2', 'webgl', 'webasm', 'cpu'] as const;

export function isAcceleratedMode(mode: string): boolean {
  return ACCELERATED_MODES.has(mode);
}

/** The mode a gpu.js kernel object runs in (a kernel may have degraded, e.g. to cpu). */
export function kernelMode(kernel: unknown): string {
  if (kernel instanceof HeadlessGLKernel) return 'headlessgl';
  if (kernel instanceof WebGL2Kernel) return 'webgl2';
  if (kernel instanceof WebGLKernel) return 'webgl';
  if (kernel instanceof WebAssemblyKernel) return 'webasm';
  if (kernel instanceof CPUKernel) return 'cpu';
  return (kernel as { constructor?: { mode?: string } })?.constructor?.mode ?? 'unknown';
}

/** What a WebGL context must offer (the parts of one that are read; a test passes a fake). */
export interface GlContextLike {
  getExtension(name: string): unknown;
  getParameter(parameter: number): unknown;
  isContextLost?(): boolean;
  readonly VENDOR: number;
  readonly RENDERER: number;
  readonly VERSION: number;
}

/**
 * A parameter as the native context reports it. headless-gl's JavaScript layer answers VENDOR and
 * RENDERER with fixed strings ("stack-gl", "ANGLE"); the native getParameter at the base of the
 * prototype chain answers with ANGLE's own, which names the driver and device.
 */
function nativeParameter(gl: GlContextLike, parameter: number): unknown {
  let base: GlContextLike['getParameter'] = gl.getParameter;
  for (let proto = Object.getPrototypeOf(gl); proto; proto = Object.getPrototypeOf(proto)) {
    if (Object.prototype.hasOwnProperty.call(proto, 'getParameter')) base = proto.getParameter;
  }
  return base.call(gl, parameter);
}

/** "vendor / renderer" of a GL context, unmasked where WEBGL_debug_renderer_info allows. */
export function glRenderer(gl: GlContextLike): string {
  const info = gl.getExtension('WEBGL_debug_renderer_info') as { UNMASKED_VENDOR_WEBGL: number; UNMASKED_RENDERER_WEBGL: number } | null;
  const headless = gl.getParameter(gl.VENDOR) === 'stack-gl';
  const get = (p: number) => (headless ? nativeParameter(gl, p) : gl.getParameter(p));
  const vendor = String((info && gl.getParameter(info.UNMASKED_VENDOR_WEBGL)) || get(gl.VENDOR) || 'unknown vendor');
  const renderer = String((info && gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) || get(gl.RENDERER) || 'unknown renderer');
  return `${vendor} / ${renderer}`;
}

/**
 * Why a GL context cannot run float32 kernels (lost, or no float textures), or null when it can.
 * WebGL2 has float textures in core but renders to them only with EXT_color_buffer_float.
 */
export function glContextProblem(gl: GlContextLike, mode: string): string | null {
  if (gl.isContextLost?.()) return 'the GL context is lost (GPU reset, driver crash or too many contexts)';
  if (mode === 'webgl2') {
    if (!gl.getExtension('EXT_color_buffer_float')) return 'the WebGL2 context cannot render to float textures (no EXT_color_buffer_float)';
    return null;
  }
  if (!gl.getExtension('OES_texture_float')) return 'the GL context has no float textures (no OES_texture_float extension)';
  return null;
}

/**
 * Builds one tiny kernel in `requested` (or gpu.js's own choice) and reports the mode it ran in.
 * Throws, naming the cause, when the mode cannot run float32 kernels here.
 */
export function detectGpujsMode(requested?: string): GpujsMode {
  const gpu = new GPU(requested ? { mode: requested as 'gpu' } : undefined);
  try {
    const probe = gpu.createKernel('function(a) { return a[this.thread.x] * 2; }', { output: [4], precision: 'single' });
    const kernel = (probe as unknown as { kernel: unknown }).kernel;
    const mode = kernelMode(kernel);
    const context = (kernel as { context?: GlContextLike }).context;
    const accelerated = isAcceleratedMode(mode);
    if (accelerated && context) {
      const problem = glContextProblem(context, mode);
      if (problem) throw new Error(problem);
    }
    const result = probe(new Float32Array([1, 2, 3, 4])) as Float32Array;
    const ran = kernelMode((probe as unknown as { kernel: unknown }).kernel);
    if (ran !== mode) throw new Error(`the probe kernel fell back from ${mode} to ${ran}`);
    if (result[3] !== 8) throw new Error(`the probe kernel computed ${Array.from(result)} instead of 2,4,6,8`);
    return { mode, accelerated, renderer: accelerated && context ? glRenderer(context) : null };
  } finally {
    gpu.destroy();
  }
}
