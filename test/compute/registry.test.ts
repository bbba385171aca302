/** The backend registry: what it lists, how it chooses, and how it refuses. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { detectGpujsMode } from '../../core/compute/gpujs/gpujsMode';
import { AUTO_BACKEND, availableBackends, backendNames, chooseBackend, createBackend } from '../../core/compute/registry';

execFileSync(process.execPath, ['scripts/build-wasm.mjs'], { stdio: 'inherit' });

describe('compute backend registry', () => {
  it('lists every backend, each available or with the reason it is not', async () => {
    expect(backendNames()).toEqual(['wasm-simd', 'gpujs', 'js', 'reference']);
    const list = await availableBackends();
    expect(list.map((b) => b.name)).toEqual(backendNames());
    for (const b of list) {
      if (!b.ok) expect(b.reason, b.name).toMatch(/\S/);
    }
    expect(list.find((b) => b.name === 'reference')!.ok).toBe(true);
  });

  it('names an unknown backend and the choices', async () => {
    await expect(createBackend('cuda')).rejects.toThrow(/unknown compute backend "cuda": choose one of auto, wasm-simd, gpujs, js, reference/);
    await expect(chooseBackend('cuda')).rejects.toThrow(/"cuda"/);
  });

  // With a real GPU mode, auto times wasm-simd against gpujs instead.
  it.skipIf(detectGpujsMode().accelerated)('auto takes the first available backend in the order of preference', async () => {
    const first = (await availableBackends()).find((b) => b.ok)!;
    for (const preference of [undefined, AUTO_BACKEND]) {
      const backend = await chooseBackend(preference);
      expect(backend.name).toBe(first.name);
      expect(backend.description).toMatch(/\S/);
      backend.dispose();
    }
  });

  it('creates the named backend', async () => {
    const backend = await chooseBackend('js');
    expect(backend.name).toBe('js');
    expect(backend.dtype).toBe('float32');
    backend.dispose();
  });
});
