// Element-wise kernels over n float32 values, f32x4 where the operation allows.
// Activation kinds: 0 relu, 1 leaky_relu, 2 tanh, 3 sigmoid, 4 linear.

export function fill(t: usize, value: f32, n: i32): void {
  const v = f32x4.splat(value);
  let j = 0;
  for (; j + 4 <= n; j += 4) v128.store(t + (<usize>j << 2), v);
  for (; j < n; j++) store<f32>(t + (<usize>j << 2), value);
}

export function copy(src: usize, dst: usize, n: i32): void {
  memory.copy(dst, src, <usize>n << 2);
}

export function axpby(alpha: f32, x: usize, beta: f32, y: usize, n: i32): void {
  const va = f32x4.splat(alpha);
  const vb = f32x4.splat(beta);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = <usize>j << 2;
    v128.store(y + o, f32x4.add(f32x4.mul(va, v128.load(x + o)), f32x4.mul(vb, v128.load(y + o))));
  }
  for (; j < n; j++) {
    const o = <usize>j << 2;
    store<f32>(y + o, alpha * load<f32>(x + o) + beta * load<f32>(y + o));
  }
}

export function dot(x: usize, y: usize, n: i32): f64 {
  let sum: f64 = 0;
  for (let j = 0; j < n; j++) {
    const o = <usize>j << 2;
    sum += <f64>load<f32>(x + o) * <f64>load<f32>(y + o);
  }
  return sum;
}

// S[r, c] += b[r] for the columns [c0, c1) of a rows x cols matrix.
export function addBias(S: usize, b: usize, rows: i32, c0: i32, c1: i32): void {
  for (let c = c0; c < c1; c++) {
    const col = S + (<usize>(rows * c) << 2);
    let r = 0;
    for (; r + 4 <= rows; r += 4) {
      const o = <usize>r << 2;
      v128.store(col + o, f32x4.add(v128.load(col + o), v128.load(b + o)));
    }
    for (; r < rows; r++) {
      const o = <usize>r << 2;
      store<f32>(col + o, load<f32>(col + o) + load<f32>(b + o));
    }
  }
}

export function rowSum(S: usize, out: usize, rows: i32, cols: i32, accumulate: bool): void {
  if (!accumulate) memory.fill(out, 0, <usize>rows << 2);
  for (let c = 0; c < cols; c++) {
    const col = S + (<usize>(rows * c) << 2);
    let r = 0;
    for (; r + 4 <= rows; r += 4) {
      const o = <usize>r << 2;
      v128.store(out + o, f32x4.add(v128.load(out + o), v128.load(col + o)));
    }
    for (; r < rows; r++) {
      const o = <usize>r << 2;
      store<f32>(out + o, load<f32>(out + o) + load<f32>(col + o));
    }
  }
}

// sigma(s) for one value, as activate computes it.
// @ts-ignore: decorator
@inline
export function activateValue(kind: i32, leak: f32, s: f32): f32 {
  if (kind == 0) return s > 0 ? s : 0;
  if (kind == 1) return s > 0 ? s : leak * s;
  if (kind == 2) return Mathf.tanh(s);
  if (kind == 3) return <f32>1 / (<f32>1 + Mathf.exp(-s));
  return s;
}

export function activate(kind: i32, leak: f32, S: usize, A: usize, n: i32): void {
  let j = 0;
  if (kind == 0) {
    const zero = f32x4.splat(0);
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      const s = v128.load(S + o);
      v128.store(A + o, v128.and(s, f32x4.gt(s, zero)));
    }
    for (; j < n; j++) {
      const s = load<f32>(S + (<usize>j << 2));
      store<f32>(A + (<usize>j << 2), s > 0 ? s : 0);
    }
  } else if (kind == 1) {
    const zero = f32x4.splat(0);
    const vl = f32x4.splat(leak);
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      const s = v128.load(S + o);
      v128.store(A + o, v128.bitselect(s, f32x4.mul(s, vl), f32x4.gt(s, zero)));
    }
    for (; j < n; j++) {
      const s = load<f32>(S + (<usize>j << 2));
      store<f32>(A + (<usize>j << 2), s > 0 ? s : leak * s);
    }
  } else if (kind == 2) {
    for (; j < n; j++) store<f32>(A + (<usize>j << 2), Mathf.tanh(load<f32>(S + (<usize>j << 2))));
  } else if (kind == 3) {
    for (; j < n; j++) store<f32>(A + (<usize>j << 2), <f32>1 / (<f32>1 + Mathf.exp(-load<f32>(S + (<usize>j << 2)))));
  } else if (S != A) {
    memory.copy(A, S, <usize>n << 2);
  }
}

export function activationGrad(kind: i32, leak: f32, A: usize, V: usize, n: i32): void {
  let j = 0;
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  if (kind == 0) {
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      v128.store(V + o, v128.and(v128.load(V + o), f32x4.gt(v128.load(A + o), zero)));
    }
    for (; j < n; j++) {
      const o = <usize>j << 2;
      if (!(load<f32>(A + o) > 0)) store<f32>(V + o, 0);
    }
  } else if (kind == 1) {
    const vl = f32x4.splat(leak);
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      const v = v128.load(V + o);
      v128.store(V + o, v128.bitselect(v, f32x4.mul(v, vl), f32x4.gt(v128.load(A + o), zero)));
    }
    for (; j < n; j++) {
      const o = <usize>j << 2;
      if (!(load<f32>(A + o) > 0)) store<f32>(V + o, load<f32>(V + o) * leak);
    }
  } else if (kind == 2) {
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      const a = v128.load(A + o);
      v128.store(V + o, f32x4.mul(v128.load(V + o), f32x4.sub(one, f32x4.mul(a, a))));
    }
    for (; j < n; j++) {
      const o = <usize>j << 2;
      const a = load<f32>(A + o);
      store<f32>(V + o, load<f32>(V + o) * (1 - a * a));
    }
  } else if (kind == 3) {
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      const a = v128.load(A + o);
      v128.store(V + o, f32x4.mul(v128.load(V + o), f32x4.mul(a, f32x4.sub(one, a))));
    }
    for (; j < n; j++) {
      const o = <usize>j << 2;
      const a = load<f32>(A + o);
      store<f32>(V + o, load<f32>(V + o) * a * (1 - a));
    }
  }
}
