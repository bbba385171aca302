/**
 * Runs kernels on all cores, synchronously for the caller: the calling thread is thread 0, the
 * workers are threads 1..n-1, all over one shared WebAssembly.Memory. A dispatch writes rows of
 * arguments into a shared Float64Array, bumps a generation counter and wakes the workers
 * (Atomics.notify); the caller takes its share itself, then waits (Atomics.wait) until every
 * worker has counted itself off. Nothing is copied and nothing is allocated per dispatch.
 * Two ways to share: `dispatch` runs row t on thread t (kernels that need a thread's own scratch);
 * `dispatchChunks` lets every thread take rows from a shared counter until none is left, so a
 * thread that another process slows down just takes fewer (every row still runs whole on one
 * thread, so results do not depend on who took what).
 */
import { Worker } from 'node:worker_threads';
import { workerEntryUrl } from '../../workers/workerEntry';
import { KERNEL_NAMES, type KernelExports, type KernelName } from './kernelModule';

const GENERATION = 0;
const PENDING = 1;
const OP = 2;
const ACTIVE = 3;
const FAILED = 4;
/** Chunk mode: how many rows there are (0: row t on thread t), and the next row to take. */
const CHUNKS = 5;
const NEXT = 6;
export const ARGS_PER_ROW = 20;
/** Argument rows per thread: dispatchChunks may write up to threads * ROWS_PER_THREAD rows. */
export const ROWS_PER_THREAD = 8;
/** Longest sleep before a waiting thread checks the control block again (see dispatch). */
export const WAKE_CHECK_MS = 20;
/** Bytes of the shared buffer a failing worker writes its error message into. */
export const ERROR_BYTES = 1024;

export class ThreadPool {
  /** Argument rows, one per thread: fill rows 0..active-1, then call dispatch. */
  readonly args: Float64Array;
  private readonly control: Int32Array;
  private readonly workers: Worker[] = [];
  /** A failing worker's message (UTF-8, zero-terminated): readable synchronously, unlike postMessage. */
  private readonly errorText: Uint8Array;
  private disposed = false;

  private constructor(
    readonly threads: number,
    private readonly kernels: KernelExports,
  ) {
    this.control = new Int32Array(new SharedArrayBuffer(8 * 4));
    this.args = new Float64Array(new SharedArrayBuffer(threads * ROWS_PER_THREAD * ARGS_PER_ROW * 8));
    this.errorText = new Uint8Array(new SharedArrayBuffer(ERROR_BYTES));
  }

  static async start(threads: number, module: WebAssembly.Module, memory: WebAssembly.Memory, kernels: KernelExports): Promise<ThreadPool> {
    const pool = new ThreadPool(threads, kernels);
    const starts: Promise<void>[] = [];
    for (let index = 1; index < threads; index++) {
      const worker = new Worker(workerEntryUrl(new URL('./worker.mjs', import.meta.url), 'wasmThread.js'), {
        workerData: {
          module,
          memory,
          control: pool.control.buffer,
          args: pool.args.buffer,
          errorText: pool.errorText.buffer,
          index,
          opNames: KERNEL_NAMES,
          argsPerRow: ARGS_PER_ROW,
          wakeCheckMs: WAKE_CHECK_MS,
        },
      });
      worker.unref();
      pool.workers.push(worker);
      starts.push(
        new Promise<void>((resolve, reject) => {
          worker.on('message', (message: { ready?: boolean }) => {
            if (message.ready) resolve();
          });
          worker.once('error', (error) => reject(new Error(`wasm-simd thread ${index} failed to start: ${error.message}`)));
          worker.once('exit', (code) => reject(new Error(`wasm-simd thread ${index} exited (code ${code}) before it was ready`)));
        }),
      );
    }
    try {
      await Promise.all(starts);
    } catch (error) {
      await pool.dispose();
      throw error;
    }
    return pool;
  }

  /**
   * Runs kernel `name` with argument rows 0..active-1 (row t on thread t) and returns when all are
   * done. active = 1 runs on the calling thread only, without waking anyone.
   */
  dispatch(name: KernelName, active: number): void {
    if (active <= 1 || this.workers.length === 0) {
      this.runRow(this.kernels[name], 0);
      return;
    }
    this.run(name, active, 0);
  }

  /** Runs kernel `name` on rows 0..rows-1, each thread taking the next row until none is left. */
  dispatchChunks(name: KernelName, rows: number): void {
    if (rows <= 1 || this.workers.length === 0) {
      for (let r = 0; r < rows; r++) this.runRow(this.kernels[name], r);
      return;
    }
    this.run(name, Math.min(rows, this.threads), rows);
  }

  private runRow(kernel: (...args: number[]) => number, row: number): void {
    const a = this.args;
    const b = row * ARGS_PER_ROW;
    kernel(a[b], a[b + 1], a[b + 2], a[b + 3], a[b + 4], a[b + 5], a[b + 6], a[b + 7], a[b + 8], a[b + 9],
      a[b + 10], a[b + 11], a[b + 12], a[b + 13], a[b + 14], a[b + 15], a[b + 16], a[b + 17], a[b + 18], a[b + 19]);
  }

  private run(name: KernelName, active: number, chunks: number): void {
    const kernel = this.kernels[name];
    const c = this.control;
    Atomics.store(c, OP, KERNEL_NAMES.indexOf(name));
    Atomics.store(c, ACTIVE, active);
    Atomics.store(c, CHUNKS, chunks);
    Atomics.store(c, NEXT, 0);
    Atomics.store(c, PENDING, this.workers.length);
    Atomics.add(c, GENERATION, 1);
    Atomics.notify(c, GENERATION);
    let failure: unknown = null;
    try {
      if (chunks === 0) this.runRow(kernel, 0);
      else for (let r = Atomics.add(c, NEXT, 1); r < chunks; r = Atomics.add(c, NEXT, 1)) this.runRow(kernel, r);
    } catch (error) {
      failure = error;
    }
    // The timeout is a safety net, not a poll: a wake-up lost while a thread is interrupted (seen
    // here once in thousands of steps under heavy load: both sides asleep for good) costs at most
    // WAKE_CHECK_MS instead of hanging the run.
    for (let pending = Atomics.load(c, PENDING); pending !== 0; pending = Atomics.load(c, PENDING)) {
      Atomics.wait(c, PENDING, pending, WAKE_CHECK_MS);
    }
    const failed = Atomics.exchange(c, FAILED, 0);
    if (failure) throw failure;
    if (failed) {
      const end = this.errorText.indexOf(0);
      const text = new TextDecoder().decode(this.errorText.slice(0, end < 0 ? ERROR_BYTES : end));
      throw new Error(text || `wasm-simd thread ${failed - 1}: kernel ${name} failed`);
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    Atomics.store(this.control, OP, -1);
    Atomics.add(this.control, GENERATION, 1);
    Atomics.notify(this.control, GENERATION);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
