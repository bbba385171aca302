/**
 * The start-up check a GPU backend passes before it is trusted: every kind of operation the engine
 * uses, once on a small odd shape, against the float64 reference. A driver that miscompiles a
 * kernel, packs floats into 8-bit channels or reads back a lost context fails here, by name,
 * instead of training on wrong numbers. Takes well under a second even in software GL.
 */
import type { ComputeBackend, Tensor } from '../backend';
import { ACTIVATION_KINDS } from '../../graph/format';
import { createReferenceBackend } from '../reference/typedArrayBackend';
import { Random } from '../../util/random';

const TOLERANCE = 1e-4;

export function checkAgainstReference(backend: ComputeBackend): void {
  const ref = createReferenceBackend();
  const random = new Random(12345);
  const values = (n: number) => Array.from({ length: n }, () => Math.fround(random.uniform() * 2 - 1));
  const pair = (data: number[]): [Tensor, Tensor] => {
    const t = backend.allocate(data.length);
    const r = ref.allocate(data.length);
    backend.write(t, data);
    ref.write(r, data);
    return [t, r];
  };
  const compare = (what: string, t: Tensor, r: Tensor) => {
    const got = backend.read(t);
    const want = ref.read(r);
    let worst = 0;
    for (let j = 0; j < want.length; j++) {
      const err = Math.abs(got[j] - want[j]) / Math.max(1, Math.abs(want[j]));
      if (!(err <= worst)) worst = err;
    }
    if (!(worst <= TOLERANCE)) throw new Error(`${backend.name} (${backend.description}): start-up check failed: ${what} differs from the float64 reference by ${worst.toPrecision(3)} (tolerance ${TOLERANCE}); this GPU backend is not trusted`);
  };

  // Offsets, partial writes and a tail that must survive.
  const [w, rw] = pair(values(9));
  backend.write(w, [0.5, -0.25], 3);
  ref.write(rw, [0.5, -0.25], 3);
  compare('write at an offset', w, rw);

  const [m, n, k] = [7, 5, 13];
  for (const transA of [false, true])
    for (const transB of [false, true]) {
      const [A, rA] = pair(values(m * k));
      const [B, rB] = pair(values(k * n));
      const [C, rC] = pair(values(m * n + 2));
      backend.gemm(transA, transB, m, n, k, A, B, C, transA);
      ref.gemm(transA, transB, m, n, k, rA, rB, rC, transA);
      compare(`gemm ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} ${m}x${n}x${k}`, C, rC);
    }

  const [count, sourceLength] = [3, 11];
  const map = Int32Array.from({ length: 17 }, (_, j) => (j % 5 === 4 ? -1 : (j * 7) % sourceLength));
  const [bm, rm] = [backend.uploadIndexMap(map, sourceLength), ref.uploadIndexMap(map, sourceLength)];
  const [src, rSrc] = pair(values(sourceLength * count));
  const [dst, rDst] = pair(values(map.length * count + 1));
  backend.gather(src, bm, dst, count);
  ref.gather(rSrc, rm, rDst, count);
  compare('gather', dst, rDst);
  backend.scatterAdd(dst, bm, src, count, true);
  ref.scatterAdd(rDst, rm, rSrc, count, true);
  compare('scatterAdd', src, rSrc);

  const [rows, cols] = [5, 9];
  const [S, rS] = pair(values(rows * cols));
  const [b, rb] = pair(values(rows));
  backend.addBias(S, b, rows, cols);
  ref.addBias(rS, rb, rows, cols);
  compare('addBias', S, rS);
  backend.rowSum(S, b, rows, cols, false);
  ref.rowSum(rS, rb, rows, cols, false);
  compare('rowSum', b, rb);
  for (const kind of ACTIVATION_KINDS) {
    const [Z, rZ] = pair(values(rows * cols));
    const [V, rV] = pair(values(rows * cols));
    backend.activate(kind, 0.1, S, Z, rows * cols);
    ref.activate(kind, 0.1, rS, rZ, rows * cols);
    backend.activationGrad(kind, 0.1, Z, V, rows * cols);
    ref.activationGrad(kind, 0.1, rZ, rV, rows * cols);
    compare(`activate and activationGrad ${kind}`, V, rV);
  }
  backend.axpby(0.5, S, -2, S, rows * cols);
  ref.axpby(0.5, rS, -2, rS, rows * cols);
  compare('axpby', S, rS);
  const dot = backend.dot(S, S, rows * cols);
  const rDot = ref.dot(rS, rS, rows * cols);
  if (!(Math.abs(dot - rDot) <= TOLERANCE * Math.max(1, Math.abs(rDot)))) throw new Error(`${backend.name} (${backend.description}): start-up check failed: dot gave ${dot} instead of ${rDot}; this GPU backend is not trusted`);

  // 2 x 2 max / average pooling, stride 1 (overlapping windows) over a 1 x 3 x 3 instance, 2 instances.
  const windows = Int32Array.from([0, 1, 3, 4, 1, 2, 4, 5, 3, 4, 6, 7, 4, 5, 7, 8]);
  const [pw, rpw] = [backend.uploadIndexMap(windows, 9), ref.uploadIndexMap(windows, 9)];
  const [Zp, rZp] = pair(values(18));
  const [out, rOut] = pair(values(8));
  const [argmax, rArgmax] = [backend.allocateIndex(8), ref.allocateIndex(8)];
  backend.maxPool(Zp, pw, 4, out, argmax, 2);
  ref.maxPool(rZp, rpw, 4, rOut, rArgmax, 2);
  compare('maxPool', out, rOut);
  const [G, rG] = pair(values(8));
  backend.maxPoolBackward(G, argmax, 8, Zp, 18);
  ref.maxPoolBackward(rG, rArgmax, 8, rZp, 18);
  compare('maxPoolBackward', Zp, rZp);
  backend.avgPool(Zp, pw, 4, out, 2);
  ref.avgPool(rZp, rpw, 4, rOut, 2);
  backend.avgPoolBackward(out, pw, 4, Zp, 2);
  ref.avgPoolBackward(rOut, rpw, 4, rZp, 2);
  compare('avgPool and avgPoolBackward', Zp, rZp);
  ref.dispose();
}
