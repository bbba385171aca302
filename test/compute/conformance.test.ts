/**
 * One conformance suite for every compute backend in the registry: each operation of the contract
 * against the float64 reference on random data of odd sizes (tails not a multiple of 4, every
 * transpose case, accumulate flags, -1 map entries, overlapping windows, sizes big enough to be
 * split over threads), to float32 tolerance. Backends that cannot run here are skipped, with why.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComputeBackend, Tensor } from '../../core/compute/backend';
import { ACTIVATION_KINDS } from '../../core/graph/format';
import { createReferenceBackend } from '../../core/compute/reference/typedArrayBackend';
import type { BackendFactory } from '../../core/compute/backend';
import { BACKEND_FACTORIES } from '../../core/compute/registry';
import { hasRelaxedSimd, kernelsUnavailableReason } from '../../core/compute/wasm/kernelModule';
import { WasmSimdBackend } from '../../core/compute/wasm/wasmBackend';
import { Random } from '../../core/util/random';
import { maxRelativeError, poolWindows, randomIndexMap, randomValues } from './fixtures';
import { gpujsModeFactories } from './gpujsModes';

// The wasm kernels are a build product: make sure they are current (instant when they are).
execFileSync(process.execPath, ['scripts/build-wasm.mjs'], { stdio: 'inherit' });
/**
 * The registry's wasm-simd takes the relaxed-SIMD (fma) kernels where the engine validates them;
 * the build without them is tested too, so both builds are covered wherever they can run.
 */
const relaxed = hasRelaxedSimd();
const otherWasmBuild: BackendFactory = {
  name: 'wasm-simd',
  dtype: 'float32',
  available: async () => {
    const reason = kernelsUnavailableReason();
    if (reason) return { ok: false, reason };
    return relaxed ? { ok: true } : { ok: false, reason: 'this engine has no relaxed SIMD, not even behind Node 20s --experimental-wasm-relaxed-simd' };
  },
  create: () => WasmSimdBackend.create(undefined, false),
};
// gpujs runs once per gpu.js mode (headlessgl under Xvfb where gl is built, and webasm).
const factories = [...BACKEND_FACTORIES.filter((f) => f.name !== 'gpujs'), ...(await gpujsModeFactories()), { ...otherWasmBuild, label: relaxed ? 'wasm-simd without fma' : 'wasm-simd with relaxed fma' }];
const availability = await Promise.all(factories.map(async (f) => ({ factory: f, label: 'label' in f ? f.label : f.name, status: await f.available() })));
const TOLERANCE = 2e-5;

describe.each(availability)('compute backend $label', ({ factory, status }) => {
  if (!status.ok) {
    it.skip(`unavailable here: ${status.reason}`, () => {});
    return;
  }
  let backend: ComputeBackend;
  const ref = createReferenceBackend();
  let random: Random;

  beforeAll(async () => {
    backend = await factory.create();
  });
  afterAll(() => backend?.dispose());

  /** The same data in the backend under test and in the reference. */
  function pair(values: ArrayLike<number>): [Tensor, Tensor] {
    const t = backend.allocate(values.length);
    const r = ref.allocate(values.length);
    backend.write(t, values);
    ref.write(r, values);
    return [t, r];
  }
  function randomPair(n: number): [Tensor, Tensor] {
    return pair(randomValues(random, n));
  }
  function expectClose(t: Tensor, r: Tensor, tolerance = TOLERANCE): void {
    const got = backend.read(t);
    const want = ref.read(r);
    expect(got.length).toBe(want.length);
    expect(maxRelativeError(got, want)).toBeLessThanOrEqual(tolerance);
  }

  it('reports itself', () => {
    random = new Random(7);
    expect(backend.name).toBe(factory.name);
    expect(backend.description.length).toBeGreaterThan(0);
  });

  it('writes at an offset and reads back a prefix', () => {
    const t = backend.allocate(11);
    backend.write(t, [1, 2, 3], 5);
    expect(Array.from(backend.read(t))).toEqual([0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 0]);
    expect(Array.from(backend.read(t, 6))).toEqual([0, 0, 0, 0, 0, 1]);
    expect(backend.readIndex(backend.allocateIndex(3)).length).toBe(3);
  });

  it('reads into a caller buffer (float32 or float64) without touching the rest of it', () => {
    const t = backend.allocate(6);
    backend.write(t, [1.5, -2, 3, 4, 5, 6]);
    const out64 = new Float64Array(5).fill(9);
    backend.readInto(t, out64, 3);
    expect(Array.from(out64)).toEqual([1.5, -2, 3, 9, 9]);
    const out32 = new Float32Array(6);
    backend.readInto(t, out32);
    expect(Array.from(out32)).toEqual([1.5, -2, 3, 4, 5, 6]);
  });

  const gemmSizes = [
    { m: 1, n: 1, k: 1 },
    { m: 13, n: 7, k: 29 },
    { m: 9, n: 5, k: 300 },
    { m: 37, n: 45, k: 261 },
    { m: 21, n: 1003, k: 31 },
    { m: 301, n: 9, k: 203 },
    { m: 9, n: 7, k: 5003 },
  ];
  for (const [index, { m, n, k }] of gemmSizes.entries())
    for (const transA of [false, true])
      for (const transB of [false, true])
        for (const accumulate of [false, true]) {
          it(`gemm ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} ${m}x${n}x${k}${accumulate ? ' accumulate' : ''}`, () => {
            const [A, rA] = randomPair(m * k);
            const [B, rB] = randomPair(k * n);
            // Every other size C is longer than m*n: the tail must stay untouched.
            const [C, rC] = randomPair(m * n + (index % 2 ? 0 : 3));
            backend.gemm(transA, transB, m, n, k, A, B, C, accumulate);
            ref.gemm(transA, transB, m, n, k, rA, rB, rC, accumulate);
            expectClose(C, rC, 1e-6 * Math.sqrt(k) + TOLERANCE);
          });
        }

  for (const count of [1, 3, 40]) {
    it(`gather and scatterAdd with -1 entries and repeats, ${count} instances`, () => {
      const sourceLength = 37;
      const map = randomIndexMap(random, 53, sourceLength);
      const m = backend.uploadIndexMap(map, sourceLength);
      const rm = ref.uploadIndexMap(map, sourceLength);
      expect(m.length).toBe(53);
      expect(m.sourceLength).toBe(sourceLength);
      const [src, rSrc] = randomPair(sourceLength * count + 2);
      const [dst, rDst] = randomPair(53 * count + 5);
      backend.gather(src, m, dst, count);
      ref.gather(rSrc, rm, rDst, count);
      expectClose(dst, rDst);
      for (const accumulate of [false, true]) {
        const [g, rg] = randomPair(53 * count);
        const [out, rOut] = randomPair(sourceLength * count + 3);
        backend.scatterAdd(g, m, out, count, accumulate);
        ref.scatterAdd(rg, rm, rOut, count, accumulate);
        expectClose(out, rOut);
      }
    });
  }

  it('gathers conv patches (P_phi P_pad) of a large batch, split over threads', () => {
    // 3 channels, 11 x 9 input, padding 1, 3 x 3 windows, stride 2; 130 instances.
    const [d, a, b, pad, h, s, count] = [3, 11, 9, 1, 3, 2, 130];
    const aPad = a + 2 * pad;
    const bPad = b + 2 * pad;
    const aConv = Math.floor((aPad - h) / s) + 1;
    const bConv = Math.floor((bPad - h) / s) + 1;
    const rows = h * h * d;
    const map = new Int32Array(rows * aConv * bConv);
    for (let q = 0; q < bConv; q++)
      for (let p = 0; p < aConv; p++)
        for (let c = 0; c < d; c++)
          for (let j = 0; j < h; j++)
            for (let i = 0; i < h; i++) {
              const r = i + s * p - pad;
              const col = j + s * q - pad;
              map[i + h * (j + h * c) + rows * (p + aConv * q)] = r >= 0 && r < a && col >= 0 && col < b ? c + d * (r + a * col) : -1;
            }
    const sourceLength = d * a * b;
    const m = backend.uploadIndexMap(map, sourceLength);
    const rm = ref.uploadIndexMap(map, sourceLength);
    const [src, rSrc] = randomPair(sourceLength * count);
    const [dst, rDst] = randomPair(map.length * count);
    backend.gather(src, m, dst, count);
    ref.gather(rSrc, rm, rDst, count);
    expectClose(dst, rDst);
    const [out, rOut] = randomPair(sourceLength * count);
    backend.scatterAdd(dst, m, out, count, false);
    ref.scatterAdd(rDst, rm, rOut, count, false);
    expectClose(out, rOut);
  });

  // Small and odd; big enough for threads (columns shared); k beyond one packed block (256); k-split.
  for (const [m, n, k] of [
    [7, 13, 5],
    [32, 2300, 25],
    [16, 1030, 300],
    [8, 20, 4000],
  ]) {
    for (const kind of ACTIVATION_KINDS) {
      it(`gemmBiasActivate ${kind} ${m}x${n}x${k} equals gemm, addBias and activate`, () => {
        const [W, rW] = randomPair(m * k);
        const [B, rB] = randomPair(k * n);
        const [bias, rBias] = randomPair(m);
        // A is longer than m*n: the tail must stay untouched.
        const [A, rA] = randomPair(m * n + 3);
        backend.gemmBiasActivate(m, n, k, W, B, bias, A, kind, 0.07);
        ref.gemm(false, false, m, n, k, rW, rB, rA, false);
        ref.addBias(rA, rBias, m, n);
        ref.activate(kind, 0.07, rA, rA, m * n);
        expectClose(A, rA, 1e-6 * Math.sqrt(k) + TOLERANCE);
      });
    }
  }

  for (const n of [7, 70001]) {
    it(`fill, copy, axpby and dot over ${n} values`, () => {
      const [x, rx] = randomPair(n + 2);
      const [y, ry] = randomPair(n + 2);
      backend.axpby(0.37, x, -1.25, y, n);
      ref.axpby(0.37, rx, -1.25, ry, n);
      expectClose(y, ry);
      expect(Math.abs(backend.dot(x, y, n) - ref.dot(rx, ry, n))).toBeLessThanOrEqual(1e-4 * Math.sqrt(n));
      backend.copy(x, y, n - 1);
      ref.copy(rx, ry, n - 1);
      expectClose(y, ry);
      backend.fill(y, 0.5, n - 2);
      ref.fill(ry, 0.5, n - 2);
      expectClose(y, ry);
    });
  }

  for (const [rows, cols] of [
    [7, 5],
    [32, 2300],
  ]) {
    it(`addBias and rowSum on ${rows} x ${cols}`, () => {
      const [S, rS] = randomPair(rows * cols + 1);
      const [bias, rBias] = randomPair(rows);
      backend.addBias(S, bias, rows, cols);
      ref.addBias(rS, rBias, rows, cols);
      expectClose(S, rS);
      for (const accumulate of [false, true]) {
        const [out, rOut] = randomPair(rows + 2);
        backend.rowSum(S, out, rows, cols, accumulate);
        ref.rowSum(rS, rOut, rows, cols, accumulate);
        expectClose(out, rOut, TOLERANCE * Math.sqrt(cols));
      }
    });
  }

  for (const kind of ACTIVATION_KINDS) {
    for (const n of [13, 66003]) {
      it(`activate and activationGrad ${kind} over ${n} values, in place and not`, () => {
        const [S, rS] = randomPair(n + 1);
        const [A, rA] = randomPair(n + 1);
        backend.activate(kind, 0.07, S, A, n);
        ref.activate(kind, 0.07, rS, rA, n);
        expectClose(A, rA);
        const [V, rV] = randomPair(n + 1);
        backend.activationGrad(kind, 0.07, A, V, n);
        ref.activationGrad(kind, 0.07, rA, rV, n);
        expectClose(V, rV);
        backend.activate(kind, 0.07, S, S, n);
        ref.activate(kind, 0.07, rS, rS, n);
        expectClose(S, rS);
      });
    }
  }

  // d = 4, 8: every four channels pool as one vector (wasm-simd's maxPoolLanes); counts of 300 and
  // 140 are enough values to split the max-pool backward scatter over threads by instance.
  for (const [size, stride, count, d] of [
    [3, 2, 3, 3],
    [2, 2, 70, 3],
    [3, 2, 300, 4],
    [2, 2, 140, 8],
  ]) {
    it(`max and average pooling, ${size}x${size} windows stride ${stride}, ${d} channels, ${count} instances`, () => {
      const [a, b] = [9, 7];
      const sourceLength = d * a * b;
      const { map, windowSize, outSize } = poolWindows(d, a, b, size, stride);
      const w = backend.uploadIndexMap(map, sourceLength);
      const rw = ref.uploadIndexMap(map, sourceLength);
      const [Z, rZ] = randomPair(sourceLength * count);
      const [out, rOut] = randomPair(outSize * count + 1);
      const argmax = backend.allocateIndex(outSize * count + 1);
      const rArgmax = ref.allocateIndex(outSize * count + 1);
      backend.maxPool(Z, w, windowSize, out, argmax, count);
      ref.maxPool(rZ, rw, windowSize, rOut, rArgmax, count);
      expectClose(out, rOut);
      expect(Array.from(backend.readIndex(argmax, outSize * count))).toEqual(Array.from(ref.readIndex(rArgmax, outSize * count)));

      const [V, rV] = randomPair(outSize * count);
      const [dZ, rdZ] = randomPair(sourceLength * count + 2);
      backend.maxPoolBackward(V, argmax, outSize * count, dZ, sourceLength * count);
      ref.maxPoolBackward(rV, rArgmax, outSize * count, rdZ, sourceLength * count);
      expectClose(dZ, rdZ);

      const [g, rg] = randomPair(outSize * count);
      backend.gatherArgmax(Z, argmax, outSize * count, g);
      ref.gatherArgmax(rZ, rArgmax, outSize * count, rg);
      expectClose(g, rg);

      backend.avgPool(Z, w, windowSize, out, count);
      ref.avgPool(rZ, rw, windowSize, rOut, count);
      expectClose(out, rOut);
      backend.avgPoolBackward(V, w, windowSize, dZ, count);
      ref.avgPoolBackward(rV, rw, windowSize, rdZ, count);
      expectClose(dZ, rdZ);
    });
  }
});
