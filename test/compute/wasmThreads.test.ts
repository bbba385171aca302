/**
 * The wasm-simd backend's thread pool: a kernel that traps on a worker thread surfaces as an error
 * on the caller (instead of a hang), and the pool keeps working afterwards; one thread and many
 * threads compute the same result.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAXIMUM_PAGES, RESERVED_BYTES, kernelsUnavailableReason, loadKernelModule, type KernelExports } from '../../core/compute/wasm/kernelModule';
import { ARGS_PER_ROW, ThreadPool } from '../../core/compute/wasm/threadPool';
import { WasmSimdBackend } from '../../core/compute/wasm/wasmBackend';
import { buildPadIndexMap, buildPatchIndexMap, composeIndexMaps } from '../../core/engine/indexMaps';

execFileSync(process.execPath, ['scripts/build-wasm.mjs'], { stdio: 'inherit' });
const reason = kernelsUnavailableReason();

/** P_phi P_pad of d channels, a x a, h x h windows at stride 1, padding p (the engine's own maps): fan-in up to h*h. */
function patchMap(d: number, a: number, h: number, p: number): Int32Array {
  return composeIndexMaps(buildPatchIndexMap(d, a + 2 * p, a + 2 * p, h, 1), buildPadIndexMap(d, a, a, p));
}

describe.skipIf(reason !== null)(`wasm-simd thread pool${reason ? ` (unavailable: ${reason})` : ''}`, () => {
  let pooled: WasmSimdBackend;
  let single: WasmSimdBackend;
  beforeAll(async () => {
    pooled = await WasmSimdBackend.create(Math.max(2, availableParallelism()));
    single = await WasmSimdBackend.create(1);
  });
  afterAll(() => {
    pooled?.dispose();
    single?.dispose();
  });

  it('says how many threads it runs', () => {
    expect(pooled.threads).toBeGreaterThanOrEqual(2);
    expect(pooled.description).toMatch(new RegExp(`${pooled.threads} threads`));
    expect(single.description).toMatch(/1 thread$/);
  });

  it('reports a kernel that traps on the caller or on a worker, then keeps working', () => {
    const count = 4;
    const length = 40000;
    const dst = pooled.allocate(length * count);
    // Entries far outside the memory: every thread's share traps, the caller's error is thrown.
    const bad = pooled.uploadIndexMap(new Int32Array(length).fill(1 << 29), 8);
    const small = pooled.allocate(8 * count);
    expect(() => pooled.gather(small, bad, dst, count)).toThrow(/out of bounds/);
    // Instances of 2^22 values in a source holding two: instances 0 and 1 are in bounds, 2 and 3
    // run past the end of the memory. Rows are taken by whichever thread is free, so either may fail.
    const sourceLength = 1 << 22;
    const big = pooled.allocate(2 * sourceLength);
    const reach = pooled.uploadIndexMap(new Int32Array(length).map((_, j) => sourceLength - 1 - (j % 8)), sourceLength);
    expect(() => pooled.gather(big, reach, dst, count)).toThrow(/out of bounds/);
    // And the pool still works.
    const good = pooled.uploadIndexMap(new Int32Array(length).map((_, j) => j % 8), 8);
    pooled.write(small, Array.from({ length: 8 * count }, (_, j) => j));
    pooled.gather(small, good, dst, count);
    const out = pooled.read(dst);
    expect(out[3 * length + 9]).toBe(3 * 8 + 1);
  });

  it("reports a worker's trap on the caller with the worker's message (row t on thread t)", async () => {
    const { module } = loadKernelModule(false);
    const memory = new WebAssembly.Memory({ initial: 2, maximum: MAXIMUM_PAGES, shared: true });
    const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
    const pool = await ThreadPool.start(2, module, memory, kernels);
    try {
      // fill(t, value, n): row 0 fills 4 values in bounds, row 1 writes far past the memory.
      pool.args.fill(0);
      pool.args.set([RESERVED_BYTES, 1, 4], 0);
      pool.args.set([1 << 30, 1, 4], ARGS_PER_ROW);
      expect(() => pool.dispatch('fill', 2)).toThrow(/wasm-simd thread 1: kernel fill failed: .*out of bounds/);
      pool.args.set([RESERVED_BYTES + 16, 2, 4], ARGS_PER_ROW);
      pool.dispatch('fill', 2);
      expect(Array.from(new Float32Array(memory.buffer, RESERVED_BYTES, 8))).toEqual([1, 1, 1, 1, 2, 2, 2, 2]);
    } finally {
      await pool.dispose();
    }
  });

  it('gives the same GEMM on one thread as on all of them, for every split', () => {
    for (const [m, n, k] of [
      [24, 2001, 40],
      [403, 12, 70],
      [12, 9, 8001],
    ]) {
      const values = Float32Array.from({ length: Math.max(m * k, k * n) }, (_, j) => Math.sin(j));
      const results = [pooled, single].map((be) => {
        const A = be.allocate(m * k);
        const B = be.allocate(k * n);
        const C = be.allocate(m * n);
        be.write(A, values.subarray(0, m * k));
        be.write(B, values.subarray(0, k * n));
        be.gemm(false, true, m, n, k, A, B, C, false);
        return be.read(C);
      });
      let worst = 0;
      for (let j = 0; j < m * n; j++) worst = Math.max(worst, Math.abs(results[0][j] - results[1][j]) / Math.max(1, Math.abs(results[1][j])));
      expect(worst, `${m}x${n}x${k}`).toBeLessThan(1e-4);
    }
  });

  it('scatter-adds through the inverse map with the same bits as the scatter loop', () => {
    for (const [map, sourceLength] of [
      [patchMap(8, 14, 3, 1), 8 * 14 * 14],
      [patchMap(2, 12, 5, 2), 2 * 12 * 12],
      [Int32Array.from({ length: 300 }, (_, j) => ((j * 7) % 11 === 0 ? -1 : (j * 13) % 97)), 97],
    ] as const)
      for (const accumulate of [false, true]) {
        const count = 50;
        const m = pooled.uploadIndexMap(map, sourceLength);
        const src = pooled.allocate(map.length * count);
        pooled.write(src, Float32Array.from({ length: map.length * count }, (_, j) => Math.sin(j)));
        const start = Float32Array.from({ length: sourceLength * count }, (_, j) => Math.cos(j));
        const results = [true, false].map((asGather) => {
          const dst = pooled.allocate(sourceLength * count);
          pooled.write(dst, start);
          pooled.levers.scatterAsGather = asGather;
          pooled.scatterAdd(src, m, dst, count, accumulate);
          return Buffer.from(pooled.read(dst).buffer);
        });
        pooled.levers.scatterAsGather = true;
        expect(results[0].equals(results[1]), `${map.length} entries into ${sourceLength}, accumulate ${accumulate}`).toBe(true);
      }
  });

  it('gathers four channels per f32x4 where the map allows, with the same values as one at a time', () => {
    for (const [map, sourceLength] of [
      [patchMap(8, 14, 3, 1), 8 * 14 * 14],
      [patchMap(4, 9, 5, 2), 4 * 9 * 9],
      [patchMap(3, 9, 3, 1), 3 * 9 * 9],
    ] as const) {
      const count = 50;
      const m = pooled.uploadIndexMap(map, sourceLength);
      const src = pooled.allocate(sourceLength * count);
      pooled.write(src, Float32Array.from({ length: sourceLength * count }, (_, j) => Math.sin(j)));
      const results = [true, false].map((lanes) => {
        const dst = pooled.allocate(map.length * count);
        pooled.fill(dst, 7);
        pooled.levers.gatherLanes = lanes;
        pooled.gather(src, m, dst, count);
        return Buffer.from(pooled.read(dst).buffer);
      });
      pooled.levers.gatherLanes = true;
      expect(results[0].equals(results[1]), `${map.length} entries from ${sourceLength}`).toBe(true);
    }
  });

  it('reads B in place (no packing) with the same bits as from packed panels', () => {
    // At most 32 rows (B in place) with tails of n and k beyond one packed block; and more (packs).
    for (const [transA, transB, m, n, k] of [
      [false, false, 32, 1030, 300],
      [false, true, 32, 27, 3000],
      [true, false, 20, 513, 64],
      [false, true, 200, 30, 90],
    ] as const) {
      const values = Float32Array.from({ length: Math.max(m * k, k * n) }, (_, j) => Math.sin(j));
      const [A, B] = [m * k, k * n].map((length) => pooled.allocate(length));
      pooled.write(A, values.subarray(0, m * k));
      pooled.write(B, values.subarray(0, k * n));
      const results = [true, false].map((inPlace) => {
        const C = pooled.allocate(m * n);
        pooled.levers.unpackedB = inPlace;
        pooled.gemm(transA, transB, m, n, k, A, B, C, false);
        return Buffer.from(pooled.read(C).buffer);
      });
      pooled.levers.unpackedB = true;
      expect(results[0].equals(results[1]), `${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} ${m}x${n}x${k}`).toBe(true);
    }
  });

  it('fuses bias and activation into the GEMM write-back with bit-identical results', () => {
    // Threads sharing columns, rows, one thread, k over two packed blocks; every activation.
    for (const [m, n, k] of [
      [32, 3001, 25],
      [403, 12, 70],
      [13, 7, 5],
      [16, 700, 300],
    ])
      for (const kind of ['relu', 'leaky_relu', 'tanh', 'sigmoid', 'linear'] as const) {
        const values = Float32Array.from({ length: Math.max(m * k, k * n) }, (_, j) => Math.sin(j) * 0.3);
        const [W, B, b, fused, separate] = [m * k, k * n, m, m * n, m * n].map((length) => pooled.allocate(length));
        pooled.write(W, values.subarray(0, m * k));
        pooled.write(B, values.subarray(0, k * n));
        pooled.write(b, values.subarray(7, 7 + m));
        pooled.gemmBiasActivate(m, n, k, W, B, b, fused, kind, 0.1);
        pooled.levers.biasActivate = false;
        pooled.gemmBiasActivate(m, n, k, W, B, b, separate, kind, 0.1);
        pooled.levers.biasActivate = true;
        expect(Buffer.from(pooled.read(fused).buffer).equals(Buffer.from(pooled.read(separate).buffer)), `${kind} ${m}x${n}x${k}`).toBe(true);
      }
  });
});
