import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * `npm run build` (electron-vite build) writes out/main (Electron main + the core service worker),
 * out/preload (sandboxed preload, CommonJS as sandboxing requires) and out/renderer (the React app,
 * also what the browser host serves). Building needs no Electron binary.
 */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(root, 'electron/main/index.ts'),
          'service-worker': resolve(root, 'electron/main/service-worker.ts'),
        },
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
