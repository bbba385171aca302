/**
 * Starts a training run in a worker (a thread, or a process of its own: trainingHost.ts) and gives
 * the caller its controls and events. The caller's thread only receives messages, so it stays
 * responsive (and can write to the store).
 */
import type { StoredParameter } from './checkpoint';
import type { TrainingEvent } from './events';
import type { TrainingRequest } from './prepare';
import type { TrainingOutcome } from './trainer';
import { startTrainingHost, trainingHostKind, type TrainingHostKind } from './trainingHost';
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

export function startTrainingSession(request: TrainingRequest, handlers: TrainingSessionHandlers = {}, hostKind: TrainingHostKind = trainingHostKind(request.backend)): TrainingSession {
  const worker = startTrainingHost(hostKind);
  const send = (message: ParentToWorker) => worker.post(message);
  let info: PreparedInfo | null = null;
  const done = new Promise<TrainingSessionResult>((resolve, reject) => {
    worker.onMessage((message: WorkerToParent) => {
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
          worker.terminate();
          break;
        case 'error':
          reject(new Error(message.message));
          worker.terminate();
          break;
      }
    });
    worker.onError(reject);
    worker.onExit((code) => reject(new Error(`the training worker exited (code ${code}) before finishing`)));
  });
  send({ type: 'start', request });
  return { pause: () => send({ type: 'pause' }), resume: () => send({ type: 'resume' }), stop: () => send({ type: 'stop' }), done };
}
