#!/usr/bin/env node
// Compiles the wasm-simd backend's AssemblyScript kernels (core/compute/wasm/assembly) into
// build/wasm/kernels.wasm with 128-bit SIMD and shared memory. Skips the compile when the output
// is newer than every source (so pretest/prestart/bench stay fast); --force rebuilds.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = join(root, 'core/compute/wasm/assembly');
const output = join(root, 'build/wasm/kernels.wasm');
// Must equal MAXIMUM_PAGES in core/compute/wasm/kernelModule.ts.
const MAXIMUM_PAGES = 32768;

const sources = readdirSync(sourceDir).filter((f) => f.endsWith('.ts')).map((f) => join(sourceDir, f));
const inputs = [...sources, fileURLToPath(import.meta.url)];
const newestInput = Math.max(...inputs.map((f) => statSync(f).mtimeMs));
if (!process.argv.includes('--force') && existsSync(output) && statSync(output).mtimeMs >= newestInput) {
  process.exit(0);
}

mkdirSync(dirname(output), { recursive: true });
const asc = join(root, 'node_modules/assemblyscript/bin/asc.js');
const args = [
  asc, join(sourceDir, 'index.ts'),
  '-o', output,
  '-O3', '--noAssert', '--runtime', 'stub', '--use', 'abort=',
  '--enable', 'simd', '--enable', 'threads',
  '--importMemory', '--sharedMemory', '--initialMemory', '1', '--maximumMemory', String(MAXIMUM_PAGES),
];
try {
  execFileSync(process.execPath, args, { stdio: 'inherit', cwd: root });
} catch {
  console.error('build-wasm: asc failed to compile core/compute/wasm/assembly (see above)');
  process.exit(1);
}
console.log(`build-wasm: wrote ${output.slice(root.length + 1)} (${statSync(output).size} bytes)`);
