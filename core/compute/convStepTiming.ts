/**
 * The timed step `auto` compares backends on: one conv layer shaped like the 3-layer template's
 * second (32 channels of 16 x 16 in, 64 filters 3 x 3, 14 x 14 out), 32 instances, forward and
 * backward with the same contract calls the engine makes: phi(Z) by a gather, S = W phi + b,
 * sigma, then dS = V .* sigma'(S), dW = dS phi^T, d phi = W^T dS and P_phi^T by a scatter-add.
 */
import type { ComputeBackend } from './backend';

const [D_IN, A, H, D_OUT] = [32, 16, 3, 64];
const A_OUT = A - H + 1;

/** P_phi of a 3 x 3 'valid' window over one d x a x a instance (rows (i, j, c), window row fastest). */
function patchMap(): Int32Array {
  const rows = H * H * D_IN;
  const map = new Int32Array(rows * A_OUT * A_OUT);
  for (let q = 0; q < A_OUT; q++)
    for (let p = 0; p < A_OUT; p++)
      for (let c = 0; c < D_IN; c++)
        for (let j = 0; j < H; j++) for (let i = 0; i < H; i++) map[i + H * (j + H * c) + rows * (p + A_OUT * q)] = c + D_IN * (i + p + A * (j + q));
  return map;
}

/** Milliseconds of one conv-shaped step over `count` instances on `backend` (the median of `runs`, after one untimed run that compiles). */
export function timeConvStep(backend: ComputeBackend, count = 32, runs = 3): number {
  const rows = H * H * D_IN;
  const n = A_OUT * A_OUT * count;
  const map = backend.uploadIndexMap(patchMap(), D_IN * A * A);
  const Z = backend.allocate(D_IN * A * A * count);
  const phi = backend.allocate(rows * n);
  const W = backend.allocate(D_OUT * rows);
  const b = backend.allocate(D_OUT);
  const S = backend.allocate(D_OUT * n);
  const V = backend.allocate(D_OUT * n);
  const dW = backend.allocate(D_OUT * rows);
  const dZ = backend.allocate(D_IN * A * A * count);
  backend.fill(Z, 0.5);
  backend.fill(W, 0.01);
  backend.fill(b, 0.1);
  backend.fill(V, 0.02);
  const step = () => {
    backend.gather(Z, map, phi, count);
    backend.gemm(false, false, D_OUT, n, rows, W, phi, S, false);
    backend.addBias(S, b, D_OUT, n);
    backend.activate('relu', 0, S, S, D_OUT * n);
    backend.activationGrad('relu', 0, S, V, D_OUT * n);
    backend.gemm(false, true, D_OUT, rows, n, V, phi, dW, false);
    backend.gemm(true, false, rows, n, D_OUT, W, V, phi, false);
    backend.scatterAdd(phi, map, dZ, count, false);
    backend.readInto(dZ, new Float32Array(1), 1);
  };
  step();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    step();
    times.push(performance.now() - start);
  }
  return times.sort((x, y) => x - y)[runs >> 1];
}
