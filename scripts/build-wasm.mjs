#!/usr/bin/env node
// Compiles the wasm-simd backend's AssemblyScript kernels (core/compute/wasm/assembly) into
// build/wasm/kernels.wasm with 128-bit SIMD and shared memory, and kernels-relaxed.wasm, the same
// with relaxed SIMD (fused multiply-add in the GEMM) for engines that validate it. Skips the compile when the output
// is newer than every source (so pretest/prestart/bench stay fast); --force rebuilds.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = join(root, 'core/compute/wasm/assembly');
const output = join(root, 'build/wasm/kernels.wasm');
const relaxedOutput = join(root, 'build/wasm/kernels-relaxed.wasm');
// Must equal MAXIMUM_PAGES in core/compute/wasm/kernelModule.ts.
const MAXIMUM_PAGES = 32768;

const sources = readdirSync(sourceDir).filter((f) => f.endsWith('.ts')).map((f) => join(sourceDir, f));
const inputs = [...sources, fileURLToPath(import.meta.url)];
const newestInput = Math.max(...inputs.map((f) => statSync(f).mtimeMs));
const upToDate = (file) => existsSync(file) && statSync(file).mtimeMs >= newestInput;
if (!process.argv.includes('--force') && upToDate(output) && upToDate(relaxedOutput)) {
  process.exit(0);
}

mkdirSync(dirname(output), { recursive: true });
const asc = join(root, 'node_modules/assemblyscript/bin/asc.js');
const common = [
  '-O3', '--noAssert', '--runtime', 'stub', '--use', 'abort=',
  '--enable', 'simd', '--enable', 'threads',
  '--importMemory', '--sharedMemory', '--initialMemory', '1', '--maximumMemory', String(MAXIMUM_PAGES),
];
for (const [file, extra] of [[output, []], [relaxedOutput, ['--enable', 'relaxed-simd']]]) {
  try {
    // AS112 warns that v128 values cross no exports here; nothing to act on.
    execFileSync(process.execPath, [asc, join(sourceDir, 'index.ts'), '-o', file, ...common, ...extra, '--disableWarning', '112'], { stdio: 'inherit', cwd: root });
  } catch {
    console.error(`build-wasm: asc failed to compile core/compute/wasm/assembly into ${file} (see above)`);
    process.exit(1);
  }
  console.error(`build-wasm: wrote ${file.slice(root.length + 1)} (${statSync(file).size} bytes)`);
}
