// Packed, blocked single-precision GEMM with f32x4 micro-kernels (AssemblyScript).
// Column-major: C[r, c] at C + 4*(r + ldc*c). op(A) is m x k, op(B) is k x n.
// A stored m x k (k x m when transA); B stored k x n (n x k when transB).
// Each call computes the block rows [m0, m1) x cols [n0, n1) over the inner range [k0, k1);
// the caller (one per thread) supplies its own packing buffers Ap (MC*KC floats),
// Bp (KC*NC floats) and tile (MR*NR floats).
// `finish` (0 or a descriptor in memory) says what happens to each finished tile beyond C (+)= it,
// while the tile is still in L1: FINISH_BIAS_ACTIVATE [mode i32, act i32, leak f32, bias i32]
// makes it C = sigma(C + b 1^T) on the last k block (the affine layer's S and Z_next in one pass).

import { activateValue } from './elementwise';

export const MR: i32 = 8;
export const NR: i32 = 4;
export const KC: i32 = 256;
export const MC: i32 = 128;
export const NC: i32 = 512;
export const FINISH_BIAS_ACTIVATE: i32 = 1;
const IN_PLACE_ROWS: i32 = 4 * MR;

// Packs op(A)[i0 .. i0+mc, p0 .. p0+kc) into panels of MR rows: panel-major, then t, then row.
function packA(transA: bool, A: usize, m: i32, k: i32, i0: i32, mc: i32, p0: i32, kc: i32, Ap: usize): void {
  for (let ip = 0; ip < mc; ip += MR) {
    const rows = min(MR, mc - ip);
    let dst = Ap + (<usize>(ip * kc) << 2);
    if (!transA) {
      let src = A + (<usize>((i0 + ip) + m * p0) << 2);
      const step = <usize>m << 2;
      if (rows == MR) {
        for (let t = 0; t < kc; t++) {
          v128.store(dst, v128.load(src));
          v128.store(dst, v128.load(src, 16), 16);
          src += step;
          dst += 32;
        }
      } else {
        for (let t = 0; t < kc; t++) {
          v128.store(dst, f32x4.splat(0));
          v128.store(dst, f32x4.splat(0), 16);
          for (let r = 0; r < rows; r++) store<f32>(dst + (<usize>r << 2), load<f32>(src + (<usize>r << 2)));
          src += step;
          dst += 32;
        }
      }
    } else {
      // op(A)[r, t] = A[t + k*r]: each row is contiguous in t.
      for (let r = 0; r < MR; r++) {
        const d = dst + (<usize>r << 2);
        if (r < rows) {
          const src = A + (<usize>(p0 + k * (i0 + ip + r)) << 2);
          for (let t = 0; t < kc; t++) store<f32>(d + (<usize>(t * MR) << 2), load<f32>(src + (<usize>t << 2)));
        } else {
          for (let t = 0; t < kc; t++) store<f32>(d + (<usize>(t * MR) << 2), 0);
        }
      }
    }
  }
}

// Packs op(B)[p0 .. p0+kc, j0 .. j0+nc) into panels of NR columns: panel-major, then t, then column.
function packB(transB: bool, B: usize, n: i32, k: i32, j0: i32, nc: i32, p0: i32, kc: i32, Bp: usize): void {
  for (let jp = 0; jp < nc; jp += NR) {
    const cols = min(NR, nc - jp);
    let dst = Bp + (<usize>(jp * kc) << 2);
    if (transB) {
      // op(B)[t, c] = B[c + n*t]: NR columns of one t are contiguous.
      let src = B + (<usize>((j0 + jp) + n * p0) << 2);
      const step = <usize>n << 2;
      if (cols == NR) {
        for (let t = 0; t < kc; t++) {
          v128.store(dst, v128.load(src));
          src += step;
          dst += 16;
        }
      } else {
        for (let t = 0; t < kc; t++) {
          v128.store(dst, f32x4.splat(0));
          for (let c = 0; c < cols; c++) store<f32>(dst + (<usize>c << 2), load<f32>(src + (<usize>c << 2)));
          src += step;
          dst += 16;
        }
      }
    } else {
      // op(B)[t, c] = B[t + k*c]: each column is contiguous in t; transpose 4x4 blocks.
      if (cols == NR) {
        const s0 = B + (<usize>(p0 + k * (j0 + jp)) << 2);
        const colStep = <usize>k << 2;
        const s1 = s0 + colStep;
        const s2 = s1 + colStep;
        const s3 = s2 + colStep;
        let t = 0;
        for (; t + 4 <= kc; t += 4) {
          const off = <usize>t << 2;
          const x0 = v128.load(s0 + off);
          const x1 = v128.load(s1 + off);
          const x2 = v128.load(s2 + off);
          const x3 = v128.load(s3 + off);
          const lo01 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
          const hi01 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
          const lo23 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
          const hi23 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
          v128.store(dst, v128.shuffle<f64>(lo01, lo23, 0, 2));
          v128.store(dst, v128.shuffle<f64>(lo01, lo23, 1, 3), 16);
          v128.store(dst, v128.shuffle<f64>(hi01, hi23, 0, 2), 32);
          v128.store(dst, v128.shuffle<f64>(hi01, hi23, 1, 3), 48);
          dst += 64;
        }
        for (; t < kc; t++) {
          const off = <usize>t << 2;
          store<f32>(dst, load<f32>(s0 + off));
          store<f32>(dst + 4, load<f32>(s1 + off));
          store<f32>(dst + 8, load<f32>(s2 + off));
          store<f32>(dst + 12, load<f32>(s3 + off));
          dst += 16;
        }
      } else {
        for (let c = 0; c < NR; c++) {
          const d = dst + (<usize>c << 2);
          if (c < cols) {
            const src = B + (<usize>(p0 + k * (j0 + jp + c)) << 2);
            for (let t = 0; t < kc; t++) store<f32>(d + (<usize>(t * NR) << 2), load<f32>(src + (<usize>t << 2)));
          } else {
            for (let t = 0; t < kc; t++) store<f32>(d + (<usize>(t * NR) << 2), 0);
          }
        }
      }
    }
  }
}

// c + a*b: one fused multiply-add where the build enables relaxed SIMD (kernels-relaxed.wasm).
// @ts-ignore: decorator
@inline
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

// C[row .. row+rows, col .. col+cols) (+)= Ap-panel (MR x kc) * B-panel (kc x NR), where op(B)[t, c]
// of the panel is at bp + t*bRow + c*bCol: a packed panel (bRow 16, bCol 4) or op(B) read in place.
// @ts-ignore: decorator
@inline
function microKernel(kc: i32, ap: usize, bp: usize, bRow: usize, bCol: usize, C: usize, ldc: i32, row: i32, col: i32, rows: i32, cols: i32, accumulate: bool, tile: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
  for (let t = 0; t < kc; t++) {
    const a0 = v128.load(ap);
    const a1 = v128.load(ap, 16);
    let b = v128.load32_splat(bp);
    c00 = madd(a0, b, c00);
    c10 = madd(a1, b, c10);
    b = v128.load32_splat(bp + bCol);
    c01 = madd(a0, b, c01);
    c11 = madd(a1, b, c11);
    b = v128.load32_splat(bp + 2 * bCol);
    c02 = madd(a0, b, c02);
    c12 = madd(a1, b, c12);
    b = v128.load32_splat(bp + 3 * bCol);
    c03 = madd(a0, b, c03);
    c13 = madd(a1, b, c13);
    ap += 32;
    bp += bRow;
  }
  const colStep = <usize>ldc << 2;
  if (rows == MR && cols == NR) {
    let p = C + (<usize>(row + ldc * col) << 2);
    if (accumulate) {
      v128.store(p, f32x4.add(v128.load(p), c00)); v128.store(p, f32x4.add(v128.load(p, 16), c10), 16); p += colStep;
      v128.store(p, f32x4.add(v128.load(p), c01)); v128.store(p, f32x4.add(v128.load(p, 16), c11), 16); p += colStep;
      v128.store(p, f32x4.add(v128.load(p), c02)); v128.store(p, f32x4.add(v128.load(p, 16), c12), 16); p += colStep;
      v128.store(p, f32x4.add(v128.load(p), c03)); v128.store(p, f32x4.add(v128.load(p, 16), c13), 16);
    } else {
      v128.store(p, c00); v128.store(p, c10, 16); p += colStep;
      v128.store(p, c01); v128.store(p, c11, 16); p += colStep;
      v128.store(p, c02); v128.store(p, c12, 16); p += colStep;
      v128.store(p, c03); v128.store(p, c13, 16);
    }
    return;
  }
  v128.store(tile, c00); v128.store(tile, c10, 16);
  v128.store(tile, c01, 32); v128.store(tile, c11, 48);
  v128.store(tile, c02, 64); v128.store(tile, c12, 80);
  v128.store(tile, c03, 96); v128.store(tile, c13, 112);
  for (let j = 0; j < cols; j++) {
    const p = C + (<usize>(row + ldc * (col + j)) << 2);
    const s = tile + (<usize>(MR * j) << 2);
    for (let r = 0; r < rows; r++) {
      const at = p + (<usize>r << 2);
      const v = load<f32>(s + (<usize>r << 2));
      store<f32>(at, accumulate ? load<f32>(at) + v : v);
    }
  }
}

// C[row .. row+rows, col .. col+cols) = sigma(C + b): the same operations as addBias and activate.
function biasActivateTile(finish: usize, C: usize, ldc: i32, row: i32, col: i32, rows: i32, cols: i32): void {
  const act = load<i32>(finish, 4);
  const leak = load<f32>(finish, 8);
  const bias = <usize>load<i32>(finish, 12) + (<usize>row << 2);
  if (rows == MR && act <= 1) {
    const b0 = v128.load(bias);
    const b1 = v128.load(bias, 16);
    const zero = f32x4.splat(0);
    const vl = f32x4.splat(leak);
    for (let j = 0; j < cols; j++) {
      const p = C + (<usize>(row + ldc * (col + j)) << 2);
      const s0 = f32x4.add(v128.load(p), b0);
      const s1 = f32x4.add(v128.load(p, 16), b1);
      if (act == 0) {
        v128.store(p, v128.and(s0, f32x4.gt(s0, zero)));
        v128.store(p, v128.and(s1, f32x4.gt(s1, zero)), 16);
      } else {
        v128.store(p, v128.bitselect(s0, f32x4.mul(s0, vl), f32x4.gt(s0, zero)));
        v128.store(p, v128.bitselect(s1, f32x4.mul(s1, vl), f32x4.gt(s1, zero)), 16);
      }
    }
    return;
  }
  for (let j = 0; j < cols; j++) {
    const p = C + (<usize>(row + ldc * (col + j)) << 2);
    for (let r = 0; r < rows; r++) {
      const at = p + (<usize>r << 2);
      store<f32>(at, activateValue(act, leak, load<f32>(at) + load<f32>(bias + (<usize>r << 2))));
    }
  }
}

export function gemmBlock(
  transA: bool, transB: bool, m: i32, n: i32, k: i32, A: usize, B: usize, C: usize, ldc: i32, accumulate: bool,
  m0: i32, m1: i32, n0: i32, n1: i32, k0: i32, k1: i32, Ap: usize, Bp: usize, tile: usize, finish: usize, unpackedB: bool,
): void {
  const mode = finish ? load<i32>(finish) : 0;
  // With at most IN_PLACE_ROWS rows, each value of B serves at most four row panels: packing B
  // costs a copy for little reuse, so full NR-column panels are read where they are (the columns'
  // t-runs are contiguous, or NR values of one t are) and only a tail panel is packed. Measured
  // (bench/lever-bench.ts, load 1.7): 1.04-1.08x less CPU at m = 32, 0.96-1.01x at m = 64.
  const inPlace = unpackedB && m1 - m0 <= IN_PLACE_ROWS;
  const bRow: usize = transB ? <usize>n << 2 : 4;
  const bCol: usize = transB ? 4 : <usize>k << 2;
  if (k1 <= k0) {
    if (!accumulate) {
      for (let c = n0; c < n1; c++) memory.fill(C + (<usize>(m0 + ldc * c) << 2), 0, <usize>(m1 - m0) << 2);
    }
    return;
  }
  for (let jc = n0; jc < n1; jc += NC) {
    const nc = min(NC, n1 - jc);
    for (let pc = k0; pc < k1; pc += KC) {
      const kc = min(KC, k1 - pc);
      const acc = accumulate || pc > k0;
      const finishTiles = mode == FINISH_BIAS_ACTIVATE && pc + kc >= k1;
      const full = inPlace ? nc - nc % NR : 0;
      packB(transB, B, n, k, jc + full, nc - full, pc, kc, Bp);
      for (let ic = m0; ic < m1; ic += MC) {
        const mc = min(MC, m1 - ic);
        packA(transA, A, m, k, ic, mc, pc, kc, Ap);
        for (let jr = 0; jr < nc; jr += NR) {
          const direct = jr < full;
          const bp = direct
            ? B + (<usize>(transB ? jc + jr + n * pc : pc + k * (jc + jr)) << 2)
            : Bp + (<usize>((jr - full) * kc) << 2);
          const cols = min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const rows = min(MR, mc - ir);
            const ap = Ap + (<usize>(ir * kc) << 2);
            // Two inlined copies: the packed one keeps constant offsets (as fast as before in-place reads).
            if (direct) microKernel(kc, ap, bp, bRow, bCol, C, ldc, ic + ir, jc + jr, rows, cols, acc, tile);
            else microKernel(kc, ap, bp, NR << 2, 4, C, ldc, ic + ir, jc + jr, rows, cols, acc, tile);
            if (finishTiles) biasActivateTile(finish, C, ldc, ic + ir, jc + jr, rows, cols);
          }
        }
      }
    }
  }
}

// The same product shared by threads. Threads take chunks of one axis from a shared counter
// (atomic add), so a thread that is descheduled or slower simply takes fewer chunks. axis 0:
// chunks of columns, 1: chunks of rows; every output value is computed whole by one thread.
// axis 2: chunks of the inner dimension k; chunk j writes its partial product (m x n, ld m) into
// its own block partial + j*m*n, which the caller sums into C in chunk order afterwards, so the
// result does not depend on who took what either.
export function gemmShared(
  transA: bool, transB: bool, m: i32, n: i32, k: i32, A: usize, B: usize, C: usize, accumulate: bool,
  axis: i32, chunk: i32, counter: usize, finish: usize, partial: usize, Ap: usize, Bp: usize, tile: usize, unpackedB: bool,
): void {
  if (axis == 2) {
    const chunks = (k + chunk - 1) / chunk;
    for (;;) {
      const j = atomic.add<i32>(counter, 1);
      if (j >= chunks) break;
      const k0 = j * chunk;
      gemmBlock(transA, transB, m, n, k, A, B, partial + ((<usize>j * <usize>(m * n)) << 2), m, false, 0, m, 0, n, k0, min(k, k0 + chunk), Ap, Bp, tile, 0, unpackedB);
    }
    return;
  }
  const size = axis == 0 ? n : m;
  for (;;) {
    const s0 = atomic.add<i32>(counter, chunk);
    if (s0 >= size) break;
    const s1 = min(size, s0 + chunk);
    if (axis == 0) gemmBlock(transA, transB, m, n, k, A, B, C, m, accumulate, 0, m, s0, s1, 0, k, Ap, Bp, tile, finish, unpackedB);
    else gemmBlock(transA, transB, m, n, k, A, B, C, m, accumulate, s0, s1, 0, n, 0, k, Ap, Bp, tile, finish, unpackedB);
  }
}

// The micro-kernel alone, `reps` times over one MR x kc and one kc x NR panel that stay in L1:
// the most this thread's GEMM can reach (2 MR NR kc flops per rep), the bench's yardstick.
export function microKernelPeak(kc: i32, reps: i32, Ap: usize, Bp: usize, tile: usize): void {
  for (let r = 0; r < reps; r++) microKernel(kc, Ap, Bp, NR << 2, 4, tile, MR, 0, 0, MR, NR, r > 0, tile);
}
