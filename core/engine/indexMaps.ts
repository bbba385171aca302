/**
 * The 0/1 operators of the vector form as integer index maps. None is ever formed as a matrix:
 * applying one is a gather (backend.gather), applying its transpose a scatter-add.
 *
 * Layout: vec(Z) of a d x a x b input puts channel c at row r, column q at c + d*(r + a*q)
 * (channel fastest, then height, then width) — the column-major vec of the d x ab matrix Z.
 */

/** P_pad: for each entry of vec(pad(Z)) (d x a_pad b_pad), its source in vec(Z), or -1 for a padded zero. */
export function buildPadIndexMap(d: number, a: number, b: number, p: number): Int32Array {
  const aPad = a + 2 * p;
  const bPad = b + 2 * p;
  const map = new Int32Array(d * aPad * bPad);
  for (let col = 0; col < bPad; col++)
    for (let row = 0; row < aPad; row++)
      for (let c = 0; c < d; c++) {
        const r = row - p;
        const q = col - p;
        map[c + d * (row + aPad * col)] = r >= 0 && r < a && q >= 0 && q < b ? c + d * (r + a * q) : -1;
      }
  return map;
}

/**
 * P_phi: the patch matrix phi(pad(Z)) is (h h d) x (a_conv b_conv). Its row k = (i, j, c) has the
 * in-window row i fastest, then the in-window column j, then the channel c: k = i + h*(j + h*c).
 * Its column (p, q) is p + a_conv*q. Entry (k, (p, q)) reads vec(pad(Z)) at
 * c + d*((i + s*p) + a_pad*(j + s*q)). The map lists, column after column, the source of each entry.
 */
export function buildPatchIndexMap(d: number, aPad: number, bPad: number, h: number, s: number): Int32Array {
  const aConv = Math.floor((aPad - h) / s) + 1;
  const bConv = Math.floor((bPad - h) / s) + 1;
  const rows = h * h * d;
  const map = new Int32Array(rows * aConv * bConv);
  for (let q = 0; q < bConv; q++)
    for (let p = 0; p < aConv; p++) {
      const column = p + aConv * q;
      for (let c = 0; c < d; c++)
        for (let j = 0; j < h; j++)
          for (let i = 0; i < h; i++) map[i + h * (j + h * c) + rows * column] = c + d * (i + s * p + aPad * (j + s * q));
    }
  return map;
}

/** The composition outer ∘ inner: entry j reads inner[outer[j]] (-1 stays -1). P_phi P_pad in one gather. */
export function composeIndexMaps(outer: Int32Array, inner: Int32Array): Int32Array {
  const map = new Int32Array(outer.length);
  for (let j = 0; j < outer.length; j++) map[j] = outer[j] < 0 ? -1 : inner[outer[j]];
  return map;
}

/**
 * Pooling windows: for each output entry o = c + d*(p + a_out*q) of a q_size x q_size window with
 * the given stride, the window's positions in vec(Z), t = i + size*j (window row fastest):
 * map[o*size*size + t] = c + d*((stride*p + i) + a*(stride*q + j)). P_pool (max) selects one of
 * them per window: the argmax, stored per instance at forward time.
 */
export function buildPoolWindowIndexMap(d: number, a: number, b: number, size: number, stride: number): Int32Array {
  const aOut = Math.floor((a - size) / stride) + 1;
  const bOut = Math.floor((b - size) / stride) + 1;
  const window = size * size;
  const map = new Int32Array(d * aOut * bOut * window);
  for (let q = 0; q < bOut; q++)
    for (let p = 0; p < aOut; p++)
      for (let c = 0; c < d; c++) {
        const o = c + d * (p + aOut * q);
        for (let j = 0; j < size; j++)
          for (let i = 0; i < size; i++) map[o * window + i + size * j] = c + d * (stride * p + i + a * (stride * q + j));
      }
  return map;
}
