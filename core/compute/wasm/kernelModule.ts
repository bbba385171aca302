/**
 * The compiled AssemblyScript kernels (build/wasm/kernels.wasm, made by `npm run build:wasm`)
 * and what this machine must offer to run them: wasm SIMD, shared memory, worker threads.
 */
import { existsSync, readFileSync } from 'node:fs';
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
  'gemmBlock', 'gemmShared', 'gather', 'scatterAdd', 'maxPool', 'maxPoolBackward', 'gatherArgmax', 'avgPool', 'avgPoolBackward',
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

/** Whether this engine takes the relaxed-SIMD build (Electron 45, Node >= 22; Node 20 only behind a flag). */
export function hasRelaxedSimd(): boolean {
  return existsSync(RELAXED_KERNELS_WASM_PATH) && WebAssembly.validate(readFileSync(RELAXED_KERNELS_WASM_PATH));
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
