/**
 * Starts a training run in a worker thread and gives the caller its controls and events.
 * The caller's thread only receives messages, so it stays responsive (and can write to the store).
 */
import { Worker } from 'node:worker_threads';
import { workerEntryUrl } from '../workers/workerEntry';
import type { StoredParameter } from './checkpoint';
import type { TrainingEvent } from './events';
import type { TrainingRequest } from './prepare';
import type { TrainingOutcome } from './trainer';
import type { ParentToWorker, PreparedInfo, WorkerToParent } from './trainingMessages';

export interface TrainingSessionHandlers {
  onPrepared?: (info: PreparedInfo) => void;
  onEvent?: (event: TrainingEvent) => void;
}

export interface TrainingSessionResult {
  outcome: TrainingOutcome;
  finalParameters: StoredParameter[];
  info: PreparedInfo;
}

export interface TrainingSession {
  pause(): void;
  resume(): void;
  stop(): void;
  /** Resolves when the run ends (completed, stopped or diverged); rejects when it cannot run. */
  readonly done: Promise<TrainingSessionResult>;
}

export function startTrainingSession(request: TrainingRequest, handlers: TrainingSessionHandlers = {}): TrainingSession {
  const worker = new Worker(workerEntryUrl(new URL('./trainingWorker.bootstrap.mjs', import.meta.url), 'trainingWorker.js'));
  const send = (message: ParentToWorker) => worker.postMessage(message);
  let info: PreparedInfo | null = null;
  const done = new Promise<TrainingSessionResult>((resolve, reject) => {
    worker.on('message', (message: WorkerToParent) => {
      switch (message.type) {
        case 'prepared':
          info = message.info;
          handlers.onPrepared?.(message.info);
          break;
        case 'event':
          handlers.onEvent?.(message.event);
          break;
        case 'done':
          resolve({ outcome: message.outcome, finalParameters: message.finalParameters, info: info! });
          void worker.terminate();
          break;
        case 'error':
          reject(new Error(message.message));
          void worker.terminate();
          break;
      }
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`the training worker exited (code ${code}) before finishing`)));
  });
  send({ type: 'start', request });
  return { pause: () => send({ type: 'pause' }), resume: () => send({ type: 'resume' }), stop: () => send({ type: 'stop' }), done };
}
