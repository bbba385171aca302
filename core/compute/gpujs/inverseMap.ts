/**
 * The inverse of an index map in compressed-row form, so a scatter-add can run as a gather (one
 * output per thread, no atomics): the sources j with map[j] = p are entries[offsets[p] ..
 * offsets[p+1]). maxFan is the largest number of sources of one position.
 */
export interface InverseMap {
  offsets: Int32Array;
  entries: Int32Array;
  maxFan: number;
}

export function invertIndexMap(map: Int32Array, sourceLength: number): InverseMap {
  const offsets = new Int32Array(sourceLength + 1);
  for (let j = 0; j < map.length; j++) {
    const p = map[j];
    if (p >= sourceLength) throw new RangeError(`index map entry ${j} is ${p}, outside a source of ${sourceLength} values`);
    if (p >= 0) offsets[p + 1]++;
  }
  let maxFan = 0;
  for (let p = 0; p < sourceLength; p++) {
    maxFan = Math.max(maxFan, offsets[p + 1]);
    offsets[p + 1] += offsets[p];
  }
  const entries = new Int32Array(offsets[sourceLength]);
  const next = offsets.slice(0, sourceLength);
  for (let j = 0; j < map.length; j++) {
    const p = map[j];
    if (p >= 0) entries[next[p]++] = j;
  }
  return { offsets, entries, maxFan };
}
