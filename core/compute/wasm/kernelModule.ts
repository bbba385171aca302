/**
 * The compiled AssemblyScript kernels (build/wasm/kernels.wasm, made by `npm run build:wasm`)
 * and what this machine must offer to run them: wasm SIMD, shared memory, worker threads.
 */
import { existsSync, readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath } from 'node:url';

/**
 * A kernel file: build/wasm/<name> from the sources; in the Electron build (core bundled into
 * out/main/, see electron.vite.config.ts) the copy the build puts in out/main/wasm/, next to the bundle.
 */
function kernelFilePath(name: string): string {
  const bundled = fileURLToPath(new URL(`./wasm/${name}`, import.meta.url));
  return existsSync(bundled) ? bundled : fileURLToPath(new URL(`../../../build/wasm/${name}`, import.meta.url));
}

export const KERNELS_WASM_PATH = kernelFilePath('kernels.wasm');
/** The same kernels with fused multiply-adds (relaxed SIMD), used where the engine validates them. */
export const RELAXED_KERNELS_WASM_PATH = kernelFilePath('kernels-relaxed.wasm');
/** Must equal --maximumMemory in scripts/build-wasm.mjs (64 KiB pages: 2 GiB). */
export const MAXIMUM_PAGES = 32768;
/** The kernels' own static data lives below this offset; tensors start here. */
export const RESERVED_BYTES = 65536;

/** The exports, in the order threads refer to them by index. */
export const KERNEL_NAMES = [
  'gemmBlock', 'gemmShared', 'microKernelPeak', 'gather', 'gatherLanes', 'scatterAdd', 'scatterAddByInverse', 'scatterAddByInverseLanes', 'maxPool', 'maxPoolLanes', 'maxPoolBackward', 'gatherArgmax', 'avgPool', 'avgPoolBackward',
  'fill', 'copy', 'axpby', 'dot', 'addBias', 'rowSum', 'activate', 'activationGrad',
] as const;
export type KernelName = (typeof KERNEL_NAMES)[number];
export type KernelExports = Record<KernelName, (...args: number[]) => number>;

/** Why the kernels cannot run here, or null when they can. */
export function kernelsUnavailableReason(): string | null {
  if (typeof SharedArrayBuffer === 'undefined') return 'SharedArrayBuffer is not available (needs cross-origin isolation in a browser)';
  // The smallest module using one v128 instruction: (func (result v128) v128.const 0).
  const simdProbe = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11]);
  if (!WebAssembly.validate(simdProbe)) return 'this WebAssembly engine has no 128-bit SIMD';
  if (!existsSync(KERNELS_WASM_PATH)) return `the kernels are not built: ${KERNELS_WASM_PATH} is missing (run npm run build:wasm)`;
  return null;
}

/** V8's switch for relaxed SIMD before it shipped it (Node 20); Node >= 22 and Electron 45 validate without it. */
const RELAXED_SIMD_FLAG = '--experimental-wasm-relaxed-simd';
/** Set to 0 to keep the plain simd128 kernels even where relaxed SIMD runs (bench A/B). */
export const RELAXED_SIMD_ENV = 'CNNWB_RELAXED_SIMD';

/**
 * Whether this engine takes the relaxed-SIMD build, found by validating it. Node 20's V8 has relaxed
 * SIMD behind a flag only: then the process turns the flag on for itself (V8 flags are process-wide,
 * so every worker thread has it too) and validates again. This is how the CLI, the service, the
 * training workers and the tests all get the fused kernels without a flag on their command line.
 */
export function hasRelaxedSimd(): boolean {
  if (process.env[RELAXED_SIMD_ENV] === '0' || !existsSync(RELAXED_KERNELS_WASM_PATH)) return false;
  const bytes = readFileSync(RELAXED_KERNELS_WASM_PATH);
  if (WebAssembly.validate(bytes)) return true;
  if (!process.versions.node || process.versions.electron) return false;
  setFlagsFromString(RELAXED_SIMD_FLAG);
  return WebAssembly.validate(bytes);
}

export interface KernelModule {
  module: WebAssembly.Module;
  /** True when the GEMM uses fused multiply-adds (relaxed SIMD). */
  fused: boolean;
}

/** The relaxed-SIMD build where this engine takes it (and `preferFused`), else the plain simd128 one. */
export function loadKernelModule(preferFused = true): KernelModule {
  const fused = preferFused && hasRelaxedSimd();
  return { module: new WebAssembly.Module(readFileSync(fused ? RELAXED_KERNELS_WASM_PATH : KERNELS_WASM_PATH)), fused };
}
