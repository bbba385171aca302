/**
 * Runs inspection tasks in one worker thread, started on first use, so a gradient check or a
 * vector form (seconds of float64 arithmetic) never holds up the thread that records training
 * and answers the UI. Tasks run one after another in the worker; each answer finds its caller by id.
 */
import { Worker } from 'node:worker_threads';
import { workerEntryUrl } from '../workers/workerEntry';
import type { InspectionResult, InspectionTask } from './inspectionTasks';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

export class InspectionWorkerClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  run<T extends InspectionTask>(task: T): Promise<InspectionResult<T>> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<InspectionResult<T>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, task });
    });
  }

  /** Ends the worker; tasks still waiting fail saying so. */
  close(): void {
    const worker = this.worker;
    this.worker = null;
    if (worker) void worker.terminate();
    this.failAll(new Error('the inspection worker was closed'));
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(workerEntryUrl(new URL('./inspectionWorker.bootstrap.mjs', import.meta.url), 'inspectionWorker.js'));
    worker.unref(); // an idle inspection worker never keeps the process alive
    worker.on('message', ({ id, result, error }: { id: number; result?: unknown; error?: string }) => {
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      if (error !== undefined) p.reject(new Error(error));
      else p.resolve(result);
    });
    const fail = (e: Error) => {
      if (this.worker === worker) this.worker = null;
      this.failAll(e);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the inspection worker exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}
