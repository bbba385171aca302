/**
 * The service's side of its channel to Electron main, one interface over the three ways it is
 * started: a forked child process (process.send), Electron's utilityProcess (process.parentPort,
 * messages wrapped in `{data}`), a worker thread (worker_threads.parentPort).
 */
import { isMainThread, parentPort } from 'node:worker_threads';
import type { ServiceMessage, ServiceRequest } from './service-protocol';

export interface ServicePort {
  post(message: ServiceMessage): void;
  onMessage(listener: (request: ServiceRequest) => void): void;
  /** Ends the service once the workspace is closed. */
  exit(): void;
  /** Called when main goes away without asking (it crashed or was killed). */
  onOrphaned(listener: () => void): void;
}

interface UtilityParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

export function serviceParentPort(): ServicePort {
  if (!isMainThread && parentPort) {
    const port = parentPort;
    return {
      post: (m) => port.postMessage(m),
      onMessage: (listener) => port.on('message', listener),
      exit: () => port.close(),
      onOrphaned: () => undefined, // a worker ends with its process
    };
  }
  const utility = (process as unknown as { parentPort?: UtilityParentPort }).parentPort;
  if (utility) {
    return {
      post: (m) => utility.postMessage(m),
      onMessage: (listener) => utility.on('message', (event) => listener(event.data as ServiceRequest)),
      exit: () => process.exit(0),
      onOrphaned: () => undefined, // Electron ends a utility process with its parent
    };
  }
  if (process.send) {
    return {
      post: (m) => process.send!(m),
      onMessage: (listener) => process.on('message', (m) => listener(m as ServiceRequest)),
      exit: () => process.exit(0),
      onOrphaned: (listener) => process.on('disconnect', listener),
    };
  }
  throw new Error('the core service has no channel to CNN Workbench: start it as a worker, a utilityProcess or a child process with IPC');
}
