/**
 * Where a training run executes: a worker thread, or a process of its own.
 *
 * gpu.js's GPU mode in Node runs on the `gl` package, a native module that only the first
 * environment (thread) of a process to load it can use: a second worker thread gets "Module did
 * not self-register", and gpu.js quietly falls back to webasm. A long-lived process (the service,
 * the CLI) starts a worker per run, so a run that may train on gpujs in a GL mode gets a process of
 * its own instead, whose only thread loads gl, and which ends with the run.
 *
 * Inside Electron (the packaged service, a utility process) there is no such process to fork: the
 * RunAsNode fuse is off (electron/builder/after-pack.cjs), so Electron cannot be started as Node, and
 * `gl` is not built for Electron's ABI anyway (scripts/setup-gpu.sh builds it for Node). Runs there
 * stay in threads; `npm start` runs the service on Node, where runs that need it get a process.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { gpujsFactory } from '../compute/gpujs/gpujsBackend';
import type { GpujsMode } from '../compute/gpujs/gpujsMode';
import { workerEntryUrl } from '../workers/workerEntry';
import type { ParentToWorker, WorkerToParent } from './trainingMessages';

export type TrainingHostKind = 'thread' | 'process';

export interface TrainingHost {
  readonly kind: TrainingHostKind;
  post(message: ParentToWorker): void;
  onMessage(handler: (message: WorkerToParent) => void): void;
  onError(handler: (error: Error) => void): void;
  onExit(handler: (code: number | null) => void): void;
  terminate(): void;
}

/**
 * 'process' when the run may train on gpujs in a GPU mode: gpujs asked for, or `auto` (which may
 * choose it), where gpu.js finds a GL context with float textures. Everything else runs in a thread.
 */
export function trainingHostKind(backend: string | undefined, gpujsMode: () => GpujsMode = () => gpujsFactory.mode(), inElectron = Boolean(process.versions.electron)): TrainingHostKind {
  if (inElectron) return 'thread';
  if (backend !== undefined && backend !== 'auto' && backend !== 'gpujs') return 'thread';
  try {
    return gpujsMode().accelerated ? 'process' : 'thread';
  } catch {
    return 'thread'; // gpu.js cannot run a kernel here: the worker reports why when gpujs is asked for.
  }
}

const entry = () => workerEntryUrl(new URL('./trainingWorker.bootstrap.mjs', import.meta.url), 'trainingWorker.js');

export function startTrainingHost(kind: TrainingHostKind): TrainingHost {
  if (kind === 'thread') {
    const worker = new Worker(entry());
    return {
      kind,
      post: (message) => worker.postMessage(message),
      onMessage: (handler) => worker.on('message', handler),
      onError: (handler) => worker.on('error', handler),
      onExit: (handler) => worker.on('exit', handler),
      terminate: () => void worker.terminate(),
    };
  }
  const child = fork(fileURLToPath(entry()), [], { execArgv: [], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return {
    kind,
    post: (message) => {
      if (child.connected) child.send(message);
    },
    onMessage: (handler) => child.on('message', (message) => handler(message as WorkerToParent)),
    onError: (handler) => child.on('error', handler),
    onExit: (handler) => child.on('exit', (code, signal) => handler(code ?? (signal ? -1 : null))),
    terminate: () => void child.kill(),
  };
}
