// Index-map kernels: gathers (P_pad, P_phi), their transposes (scatter-adds) and pooling.
// Instance ranges [i0, i1) let threads split a batch; instances never share output values.

export function gather(src: usize, sourceLength: i32, map: usize, mapLength: i32, dst: usize, i0: i32, i1: i32): void {
  for (let i = i0; i < i1; i++) {
    const s = src + (<usize>(i * sourceLength) << 2);
    let d = dst + (<usize>(i * mapLength) << 2);
    for (let j = 0; j < mapLength; j++) {
      const from = load<i32>(map + (<usize>j << 2));
      store<f32>(d, from >= 0 ? load<f32>(s + (<usize>from << 2)) : 0);
      d += 4;
    }
  }
}

// gather where, in every block of 4S map entries, entry j of the first S and the entries j + S,
// j + 2S, j + 3S read four consecutive positions (or are all -1; the backend checks the map first):
// one f32x4 load serves the four, each lane stored to its own place.
export function gatherLanes(src: usize, sourceLength: i32, map: usize, mapLength: i32, dst: usize, i0: i32, i1: i32, S: i32): void {
  const zero = f32x4.splat(0);
  const step = <usize>S << 2;
  for (let i = i0; i < i1; i++) {
    const s = src + (<usize>(i * sourceLength) << 2);
    const d = dst + (<usize>(i * mapLength) << 2);
    for (let b = 0; b < mapLength; b += 4 * S) {
      for (let j = b; j < b + S; j++) {
        const from = load<i32>(map + (<usize>j << 2));
        const v = from >= 0 ? v128.load(s + (<usize>from << 2)) : zero;
        const at = d + (<usize>j << 2);
        v128.store32_lane(at, v, 0);
        v128.store32_lane(at + step, v, 1);
        v128.store32_lane(at + 2 * step, v, 2);
        v128.store32_lane(at + 3 * step, v, 3);
      }
    }
  }
}

export function scatterAdd(src: usize, map: usize, mapLength: i32, dst: usize, sourceLength: i32, accumulate: bool, i0: i32, i1: i32): void {
  if (!accumulate) memory.fill(dst + (<usize>(i0 * sourceLength) << 2), 0, <usize>((i1 - i0) * sourceLength) << 2);
  for (let i = i0; i < i1; i++) {
    let s = src + (<usize>(i * mapLength) << 2);
    const d = dst + (<usize>(i * sourceLength) << 2);
    for (let j = 0; j < mapLength; j++) {
      const to = load<i32>(map + (<usize>j << 2));
      if (to >= 0) {
        const at = d + (<usize>to << 2);
        store<f32>(at, load<f32>(at) + load<f32>(s));
      }
      s += 4;
    }
  }
}

// scatterAdd computed from the map's inverse (offsets: sourceLength + 1 values; entries: the j
// with map[j] = z, ascending, at offsets[z] .. offsets[z+1]): each dst value is one sum, added in
// the scatter loop's order (so the result is bit-identical), and stored once.
export function scatterAddByInverse(src: usize, mapLength: i32, offsets: usize, entries: usize, dst: usize, sourceLength: i32, accumulate: bool, i0: i32, i1: i32): void {
  for (let i = i0; i < i1; i++) {
    const s = src + (<usize>(i * mapLength) << 2);
    const d = dst + (<usize>(i * sourceLength) << 2);
    let e = load<i32>(offsets);
    for (let z = 0; z < sourceLength; z++) {
      const end = load<i32>(offsets + (<usize>(z + 1) << 2));
      const at = d + (<usize>z << 2);
      let sum: f32 = accumulate ? load<f32>(at) : 0;
      for (; e < end; e++) sum += load<f32>(s + (<usize>load<i32>(entries + (<usize>e << 2)) << 2));
      store<f32>(at, sum);
    }
  }
}

// scatterAddByInverse four positions at a time where position 4z + t's entries are 4z's plus t S
// (the backend checks the inverse first): lane t sums position 4z + t's values in the same order,
// so the result is the same bits, with one chain of vector adds instead of four of scalar ones.
export function scatterAddByInverseLanes(src: usize, mapLength: i32, offsets: usize, entries: usize, dst: usize, sourceLength: i32, accumulate: bool, i0: i32, i1: i32, S: i32): void {
  const step = <usize>S << 2;
  for (let i = i0; i < i1; i++) {
    const s = src + (<usize>(i * mapLength) << 2);
    const d = dst + (<usize>(i * sourceLength) << 2);
    for (let z = 0; z < sourceLength; z += 4) {
      const end = load<i32>(offsets + (<usize>(z + 1) << 2));
      const at = d + (<usize>z << 2);
      let sum = accumulate ? v128.load(at) : f32x4.splat(0);
      for (let e = load<i32>(offsets + (<usize>z << 2)); e < end; e++) {
        const p = s + (<usize>load<i32>(entries + (<usize>e << 2)) << 2);
        let v = v128.load32_zero(p);
        v = v128.load32_lane(p + step, v, 1);
        v = v128.load32_lane(p + 2 * step, v, 2);
        v = v128.load32_lane(p + 3 * step, v, 3);
        sum = f32x4.add(sum, v);
      }
      v128.store(at, sum);
    }
  }
}

export function maxPool(Z: usize, sourceLength: i32, windows: usize, windowSize: i32, outSize: i32, out: usize, argmax: usize, i0: i32, i1: i32): void {
  for (let i = i0; i < i1; i++) {
    const zOff = i * sourceLength;
    for (let p = 0; p < outSize; p++) {
      const w = windows + (<usize>(p * windowSize) << 2);
      let best = zOff + load<i32>(w);
      let bestValue = load<f32>(Z + (<usize>best << 2));
      // Branch-free: on real data the comparison is a coin toss the predictor cannot learn.
      for (let t = 1; t < windowSize; t++) {
        const at = zOff + load<i32>(w + (<usize>t << 2));
        const v = load<f32>(Z + (<usize>at << 2));
        const better = v > bestValue;
        best = select<i32>(at, best, better);
        bestValue = select<f32>(v, bestValue, better);
      }
      const o = <usize>(i * outSize + p) << 2;
      store<f32>(out + o, bestValue);
      store<i32>(argmax + o, best);
    }
  }
}

// maxPool where every four consecutive outputs (four channels) read four consecutive positions of
// each window: one f32x4 per window entry, the same first-largest-wins selection as maxPool.
// outSize is a multiple of 4 (the backend checks the map before choosing this kernel).
export function maxPoolLanes(Z: usize, sourceLength: i32, windows: usize, windowSize: i32, outSize: i32, out: usize, argmax: usize, i0: i32, i1: i32): void {
  const lane = i32x4(0, 1, 2, 3);
  for (let i = i0; i < i1; i++) {
    const zOff = i * sourceLength;
    const z = Z + (<usize>zOff << 2);
    const base = i32x4.add(i32x4.splat(zOff), lane);
    for (let g = 0; g < outSize; g += 4) {
      const w = windows + (<usize>(g * windowSize) << 2);
      let at = load<i32>(w);
      let best = v128.load(z + (<usize>at << 2));
      let bestAt = i32x4.add(base, i32x4.splat(at));
      for (let t = 1; t < windowSize; t++) {
        at = load<i32>(w + (<usize>t << 2));
        const v = v128.load(z + (<usize>at << 2));
        const better = f32x4.gt(v, best);
        best = v128.bitselect(v, best, better);
        bestAt = v128.bitselect(i32x4.add(base, i32x4.splat(at)), bestAt, better);
      }
      const o = <usize>(i * outSize + g) << 2;
      v128.store(out + o, best);
      v128.store(argmax + o, bestAt);
    }
  }
}

// dZ[z0, z1) = 0, then dZ[argmax[k]] += V[k] for k in [k0, k1): a thread's share is whole
// instances, whose argmax positions all lie in their own part of dZ.
export function maxPoolBackward(V: usize, argmax: usize, k0: i32, k1: i32, dZ: usize, z0: i32, z1: i32): void {
  memory.fill(dZ + (<usize>z0 << 2), 0, <usize>(z1 - z0) << 2);
  for (let k = k0; k < k1; k++) {
    const at = dZ + (<usize>load<i32>(argmax + (<usize>k << 2)) << 2);
    store<f32>(at, load<f32>(at) + load<f32>(V + (<usize>k << 2)));
  }
}

export function gatherArgmax(src: usize, argmax: usize, n: i32, dst: usize): void {
  for (let k = 0; k < n; k++) {
    const o = <usize>k << 2;
    store<f32>(dst + o, load<f32>(src + (<usize>load<i32>(argmax + o) << 2)));
  }
}

export function avgPool(Z: usize, sourceLength: i32, windows: usize, windowSize: i32, outSize: i32, out: usize, i0: i32, i1: i32): void {
  const scale: f32 = <f32>1 / <f32>windowSize;
  for (let i = i0; i < i1; i++) {
    const z = Z + (<usize>(i * sourceLength) << 2);
    for (let p = 0; p < outSize; p++) {
      const w = windows + (<usize>(p * windowSize) << 2);
      let sum: f32 = 0;
      for (let t = 0; t < windowSize; t++) sum += load<f32>(z + (<usize>load<i32>(w + (<usize>t << 2)) << 2));
      store<f32>(out + (<usize>(i * outSize + p) << 2), sum * scale);
    }
  }
}

export function avgPoolBackward(V: usize, windows: usize, windowSize: i32, outSize: i32, dZ: usize, sourceLength: i32, i0: i32, i1: i32): void {
  memory.fill(dZ + (<usize>(i0 * sourceLength) << 2), 0, <usize>((i1 - i0) * sourceLength) << 2);
  const scale: f32 = <f32>1 / <f32>windowSize;
  for (let i = i0; i < i1; i++) {
    const dz = dZ + (<usize>(i * sourceLength) << 2);
    for (let p = 0; p < outSize; p++) {
      const share = load<f32>(V + (<usize>(i * outSize + p) << 2)) * scale;
      const w = windows + (<usize>(p * windowSize) << 2);
      for (let t = 0; t < windowSize; t++) {
        const at = dz + (<usize>load<i32>(w + (<usize>t << 2)) << 2);
        store<f32>(at, load<f32>(at) + share);
      }
    }
  }
}
