// A wasm-simd compute thread: instantiates the kernels over the shared memory and runs its share
// of each dispatched kernel (see threadPool.ts for the control-block layout). Plain .mjs so it
// starts the same under node, tsx and vitest.
import { parentPort, workerData } from 'node:worker_threads';

const { module, memory, control, args, errorText, index, opNames, argsPerRow, wakeCheckMs } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory } });
const kernels = opNames.map((name) => instance.exports[name]);
const ctrl = new Int32Array(control);
const a = new Float64Array(args);
const GENERATION = 0;
const PENDING = 1;
const OP = 2;
const ACTIVE = 3;
const FAILED = 4;
const CHUNKS = 5;
const NEXT = 6;
const runRow = (kernel, row) => {
  const b = row * argsPerRow;
  kernel(a[b], a[b + 1], a[b + 2], a[b + 3], a[b + 4], a[b + 5], a[b + 6], a[b + 7], a[b + 8], a[b + 9],
    a[b + 10], a[b + 11], a[b + 12], a[b + 13], a[b + 14], a[b + 15], a[b + 16], a[b + 17], a[b + 18], a[b + 19]);
};

let generation = Atomics.load(ctrl, GENERATION);
parentPort.postMessage({ ready: true });
for (;;) {
  // Re-check on a timeout too: a lost wake-up must not leave the caller waiting for ever.
  while (Atomics.load(ctrl, GENERATION) === generation) Atomics.wait(ctrl, GENERATION, generation, wakeCheckMs);
  generation = Atomics.load(ctrl, GENERATION);
  const op = Atomics.load(ctrl, OP);
  if (op < 0) break;
  if (index < Atomics.load(ctrl, ACTIVE)) {
    const chunks = Atomics.load(ctrl, CHUNKS);
    try {
      // Row `index`, or (chunk mode) the next untaken row until none is left.
      if (chunks === 0) runRow(kernels[op], index);
      else for (let r = Atomics.add(ctrl, NEXT, 1); r < chunks; r = Atomics.add(ctrl, NEXT, 1)) runRow(kernels[op], r);
    } catch (error) {
      // Written before FAILED is set, read by the caller after every thread has counted off.
      const text = new TextEncoder().encode(`wasm-simd thread ${index}: kernel ${opNames[op]} failed: ${error}`);
      const bytes = new Uint8Array(errorText);
      bytes.fill(0);
      bytes.set(text.subarray(0, bytes.length - 1));
      Atomics.store(ctrl, FAILED, index + 1);
    }
  }
  if (Atomics.sub(ctrl, PENDING, 1) === 1) Atomics.notify(ctrl, PENDING);
}
