import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { CallName, EventName } from '../../core/api/contract';
import type { ServiceWorkerData, WorkerMessage, WorkerRequest } from './service-worker';

/** Electron main's handle on the service worker: calls by name, events to one listener. */
export interface ServiceClient {
  call(name: CallName, args: unknown[]): Promise<unknown>;
  onEvent(listener: (name: EventName, data: unknown) => void): void;
  /** Asks the worker to close the workspace and exit; terminates it if it has not within a second. */
  close(): Promise<void>;
}

export function startServiceWorker(script: string, data: ServiceWorkerData): Promise<ServiceClient> {
  const worker = new Worker(script, { workerData: data });
  const waiting = new Map<number, { done: (v: unknown) => void; fail: (e: Error) => void }>();
  let eventListener: (name: EventName, data: unknown) => void = () => undefined;
  let nextId = 1;
  let exited = false;
  const failAll = (e: Error) => {
    for (const w of waiting.values()) w.fail(e);
    waiting.clear();
  };

  return new Promise((ready, failed) => {
    worker.on('error', (e) => {
      failed(e);
      failAll(e);
    });
    worker.on('exit', (code) => {
      exited = true;
      const e = new Error(`the core service worker exited (code ${code})`);
      failed(e);
      failAll(e);
    });
    worker.on('message', (m: WorkerMessage) => {
      if ('ready' in m) {
        ready({
          call: (name, args) =>
            new Promise((done, fail) => {
              if (exited) return fail(new Error('the core service worker has exited'));
              const id = nextId++;
              waiting.set(id, { done, fail });
              worker.postMessage({ id, name, args } satisfies WorkerRequest);
            }),
          onEvent: (listener) => {
            eventListener = listener;
          },
          close: async () => {
            if (exited) return;
            worker.postMessage({ close: true } satisfies WorkerRequest);
            const timer = setTimeout(() => void worker.terminate(), 1000);
            await once(worker, 'exit');
            clearTimeout(timer);
          },
        });
      } else if ('fatal' in m) {
        failed(new Error(m.fatal));
        void worker.terminate();
      } else if ('event' in m) eventListener(m.event as EventName, m.data);
      else {
        const w = waiting.get(m.id);
        waiting.delete(m.id);
        if ('error' in m) w?.fail(new Error(m.error));
        else w?.done(m.result);
      }
    });
  });
}
