import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The wasm-simd kernels, compiled if stale (scripts/build-wasm.mjs) and emitted as out/main/wasm/*.wasm. */
function wasmKernels(): Plugin {
  const files = ['kernels.wasm', 'kernels-relaxed.wasm'];
  return {
    name: 'cnnwb-wasm-kernels',
    buildStart() {
      execFileSync(process.execPath, [resolve(root, 'scripts/build-wasm.mjs')], { cwd: root, stdio: 'inherit' });
    },
    generateBundle() {
      for (const name of files) this.emitFile({ type: 'asset', fileName: `wasm/${name}`, source: readFileSync(resolve(root, 'build/wasm', name)) });
    },
  };
}

/**
 * `npm run build` (electron-vite build) writes out/main (Electron main + the core service worker),
 * out/preload (sandboxed preload, CommonJS as sandboxing requires) and out/renderer (the React app,
 * also what the browser host serves). Building needs no Electron binary.
 *
 * The core starts worker threads from files next to its own code (core/workers/workerEntry.ts,
 * core/compute/wasm/kernelModule.ts). Bundled into out/main/, that code finds them there: each
 * worker is an entry of its own (trainingWorker.js, inspectionWorker.js, wasmThread.js) and the
 * kernels are copied to out/main/wasm/. Shared chunks also go straight into out/main/ (not chunks/),
 * so every `new URL(..., import.meta.url)` in core resolves from the same folder whichever chunk
 * holds it (core/data's ../../resources/data is the repository's resources/ from out/main/ too).
 */
export default defineConfig({
  main: {
    plugins: [wasmKernels()],
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(root, 'electron/main/index.ts'),
          'service-worker': resolve(root, 'electron/main/service-worker.ts'),
          trainingWorker: resolve(root, 'core/train/trainingWorker.ts'),
          inspectionWorker: resolve(root, 'core/inspect/inspectionWorker.ts'),
          wasmThread: resolve(root, 'core/compute/wasm/worker.mjs'),
        },
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(root, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    base: './',
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      // Minified: the browser host may serve it over an SSH tunnel.
      minify: true,
      sourcemap: true,
      rollupOptions: { input: resolve(root, 'renderer/index.html') },
    },
  },
});
