/**
 * The start-up check a GPU backend passes before it is trusted: every kind of operation the engine
 * uses, once on a small odd shape, against the float64 reference. A driver that miscompiles a
 * kernel, packs floats into 8-bit channels or reads back a lost context fails here, by name,
 * instead of training on wrong numbers. Takes well under a second even in software GL.
 */
import type { ComputeBackend, IndexMap, IndexTensor, Tensor } from '../backend';
import { ACTIVATION_KINDS } from '../../graph/format';
import { createReferenceBackend } from '../reference/typedArrayBackend';
import { Random } from '../../util/random';

const TOLERANCE = 1e-4;

/** The same data on the backend under check (index 0) and on the reference (index 1). */
type Both<T> = [T, T];

export function checkAgainstReference(backend: ComputeBackend): void {
  const ref = createReferenceBackend();
  const sides: Both<ComputeBackend> = [backend, ref];
  const random = new Random(12345);
  const tensor = (n: number): Both<Tensor> => {
    const data = Array.from({ length: n }, () => Math.fround(random.uniform() * 2 - 1));
    return sides.map((b) => {
      const t = b.allocate(n);
      b.write(t, data);
      return t;
    }) as Both<Tensor>;
  };
  const indexMap = (map: Int32Array, sourceLength: number) => sides.map((b) => b.uploadIndexMap(map, sourceLength)) as Both<IndexMap>;
  const fail = (what: string, detail: string): never => {
    throw new Error(`${backend.name} (${backend.description}): start-up check failed: ${what} ${detail}; this GPU backend is not trusted`);
  };
  /** Runs `op` on both sides (side 0 is the backend, 1 the reference), then compares `result`. */
  const check = (what: string, result: Both<Tensor>, op: (b: ComputeBackend, side: 0 | 1) => void) => {
    op(backend, 0);
    op(ref, 1);
    const got = backend.read(result[0]);
    const want = ref.read(result[1]);
    let worst = 0;
    for (let j = 0; j < want.length; j++) {
      const err = Math.abs(got[j] - want[j]) / Math.max(1, Math.abs(want[j]));
      if (!(err <= worst)) worst = err;
    }
    if (!(worst <= TOLERANCE)) fail(what, `differs from the float64 reference by ${worst.toPrecision(3)} (tolerance ${TOLERANCE})`);
  };

  // Offsets, partial writes and a tail that must survive.
  const w = tensor(9);
  check('write at an offset', w, (b, i) => b.write(w[i], [0.5, -0.25], 3));

  const [m, n, k] = [7, 5, 13];
  for (const transA of [false, true])
    for (const transB of [false, true]) {
      const [A, B, C] = [tensor(m * k), tensor(k * n), tensor(m * n + 2)];
      check(`gemm ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} ${m}x${n}x${k}`, C, (b, i) => b.gemm(transA, transB, m, n, k, A[i], B[i], C[i], transA));
    }

  const [count, sourceLength] = [3, 11];
  const map = indexMap(Int32Array.from({ length: 17 }, (_, j) => (j % 5 === 4 ? -1 : (j * 7) % sourceLength)), sourceLength);
  const [src, dst] = [tensor(sourceLength * count), tensor(17 * count + 1)];
  check('gather', dst, (b, i) => b.gather(src[i], map[i], dst[i], count));
  check('scatterAdd', src, (b, i) => b.scatterAdd(dst[i], map[i], src[i], count, true));

  const [rows, cols] = [5, 9];
  const [S, bias] = [tensor(rows * cols), tensor(rows)];
  check('addBias', S, (b, i) => b.addBias(S[i], bias[i], rows, cols));
  check('rowSum', bias, (b, i) => b.rowSum(S[i], bias[i], rows, cols, false));
  for (const kind of ACTIVATION_KINDS) {
    const [Z, V] = [tensor(rows * cols), tensor(rows * cols)];
    check(`activate and activationGrad ${kind}`, V, (b, i) => {
      b.activate(kind, 0.1, S[i], Z[i], rows * cols);
      b.activationGrad(kind, 0.1, Z[i], V[i], rows * cols);
    });
  }
  check('axpby', S, (b, i) => b.axpby(0.5, S[i], -2, S[i], rows * cols));
  const [dot, rDot] = sides.map((b, i) => b.dot(S[i], S[i], rows * cols));
  if (!(Math.abs(dot - rDot) <= TOLERANCE * Math.max(1, Math.abs(rDot)))) fail('dot', `gave ${dot} instead of ${rDot}`);

  // 2 x 2 max / average pooling, stride 1 (overlapping windows) over a 1 x 3 x 3 instance, 2 instances.
  const windows = indexMap(Int32Array.from([0, 1, 3, 4, 1, 2, 4, 5, 3, 4, 6, 7, 4, 5, 7, 8]), 9);
  const [Zp, out, G] = [tensor(18), tensor(8), tensor(8)];
  const argmax = sides.map((b) => b.allocateIndex(8)) as Both<IndexTensor>;
  check('maxPool', out, (b, i) => b.maxPool(Zp[i], windows[i], 4, out[i], argmax[i], 2));
  check('maxPoolBackward', Zp, (b, i) => b.maxPoolBackward(G[i], argmax[i], 8, Zp[i], 18));
  check('avgPool and avgPoolBackward', Zp, (b, i) => {
    b.avgPool(Zp[i], windows[i], 4, out[i], 2);
    b.avgPoolBackward(out[i], windows[i], 4, Zp[i], 2);
  });
  ref.dispose();
}
