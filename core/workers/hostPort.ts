/**
 * The channel to whoever started this code: the parent thread when it runs in a worker thread,
 * the parent process when it was forked (`child_process.fork` with an IPC channel). The code on
 * the other side sees the same messages either way (structured clone; forks use 'advanced'
 * serialization for that).
 */
import { parentPort } from 'node:worker_threads';

export interface HostPort {
  post(message: unknown): void;
  onMessage(handler: (message: unknown) => void): void;
}

export function hostPort(): HostPort {
  if (parentPort) {
    const port = parentPort;
    return { post: (message) => port.postMessage(message), onMessage: (handler) => port.on('message', handler) };
  }
  if (process.send) {
    // An orphan has no one to report to: when the parent goes away, so does this process.
    process.on('disconnect', () => process.exit(0));
    // A message sent as the parent dies fails with EPIPE: nobody is left to read it, so it is dropped.
    const post = (message: unknown) => {
      if (process.connected) process.send!(message, undefined, undefined, () => {});
    };
    return { post, onMessage: (handler) => process.on('message', handler) };
  }
  throw new Error('this code must run in a worker thread or a forked process');
}
