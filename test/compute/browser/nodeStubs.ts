/** Stand-ins, in the browser page, for what conformance.test.ts uses only in Node (building the wasm kernels). */
export function execFileSync(): void {}
export const hasRelaxedSimd = () => false;
export const kernelsUnavailableReason = () => 'not part of the WebGL2 page (wasm-simd runs in the Node suite)';
export const WasmSimdBackend = {
  create: () => Promise.reject(new Error(kernelsUnavailableReason())),
};
