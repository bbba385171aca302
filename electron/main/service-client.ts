/**
 * Electron main's handle on the core service (service-worker.ts), over any channel: a child
 * process forked under a given Node (development: the Node that installed the native modules), a
 * worker thread (tests), or Electron's utilityProcess (utility-channel.ts, the packaged app).
 */
import { fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import type { CallName, EventName } from '../../core/api/contract';
import type { NativeMismatch, ServiceInit, ServiceMessage, ServiceRequest, ServiceRuntime } from './service-protocol';

/** Main's end of the channel; `onExit` fires once, with a reason, however the service ended. */
export interface ServiceChannel {
  /** How the service was started, for messages ("Node v20.19.0 at /usr/bin/node"). */
  readonly description: string;
  send(request: ServiceRequest): void;
  onMessage(listener: (message: ServiceMessage) => void): void;
  onExit(listener: (reason: string) => void): void;
  kill(): void;
}

export interface ServiceClient {
  readonly runtime: ServiceRuntime;
  call(name: CallName, args: unknown[]): Promise<unknown>;
  onEvent(listener: (name: EventName, data: unknown) => void): void;
  /** After `ready`: the service ended without being asked (crash, kill, out of memory). */
  onCrash(listener: (reason: string) => void): void;
  /** Asks the service to stop live runs and close the workspace; kills it if it has not ended within `graceMs`. */
  close(graceMs?: number): Promise<void>;
}

/** The service could not start: `mismatch` when a native module was built for another ABI. */
export class ServiceStartError extends Error {
  constructor(
    message: string,
    readonly runtime: ServiceRuntime | null,
    readonly mismatch: NativeMismatch | null,
  ) {
    super(message);
  }
}

/** An exit reported once (a process can emit both 'error' and 'exit'), to the listener set last. */
export function exitOnce(): { end(reason: string): void; onExit(listener: (reason: string) => void): void } {
  let listener: (reason: string) => void = () => undefined;
  let ended = false;
  return {
    end: (reason) => {
      if (ended) return;
      ended = true;
      listener(reason);
    },
    onExit: (l) => void (listener = l),
  };
}

/** The service as a child process of `node`, with structured-clone messages (typed arrays survive). */
export function forkChannel(script: string, node: string): ServiceChannel {
  // execArgv: [] — not this process's flags (Electron's own would not mean anything to Node).
  const child = fork(script, [], { execPath: node, execArgv: [], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exit = exitOnce();
  child.on('exit', (code, signal) => exit.end(signal ? `killed by ${signal}` : `exit code ${code}`));
  child.on('error', (e) => exit.end(e.message));
  return {
    description: `Node at ${node}`,
    send: (request) => {
      if (child.connected) child.send(request);
    },
    onMessage: (listener) => child.on('message', (m) => listener(m as ServiceMessage)),
    onExit: exit.onExit,
    kill: () => void child.kill('SIGKILL'),
  };
}

/** The service as a worker thread of this process (the tests' way; no process boundary). */
export function workerChannel(script: string): ServiceChannel {
  const worker = new Worker(script);
  const exit = exitOnce();
  worker.on('exit', (code) => exit.end(`exit code ${code}`));
  worker.on('error', (e) => exit.end(e.message));
  return {
    description: 'a worker thread',
    send: (request) => worker.postMessage(request),
    onMessage: (listener) => worker.on('message', listener),
    onExit: exit.onExit,
    kill: () => void worker.terminate(),
  };
}

/** Sends `init` once the service listens, and resolves once it has opened the workspace. */
export function connectService(channel: ServiceChannel, init: ServiceInit): Promise<ServiceClient> {
  const waiting = new Map<number, { done: (v: unknown) => void; fail: (e: Error) => void }>();
  let eventListener: (name: EventName, data: unknown) => void = () => undefined;
  let crashListener: (reason: string) => void = () => undefined;
  let nextId = 1;
  let ended: string | null = null;
  let closing = false;
  let exited!: () => void;
  const exitedPromise = new Promise<void>((r) => (exited = r));

  return new Promise((ready, failed) => {
    channel.onExit((reason) => {
      ended = reason;
      exited();
      failed(new ServiceStartError(`the core service ended before it was ready (${reason})`, null, null));
      for (const w of waiting.values()) w.fail(new Error(`the core service stopped (${reason})`));
      waiting.clear();
      if (!closing) crashListener(reason);
    });
    channel.onMessage((m) => {
      if ('listening' in m) channel.send({ init });
      else if ('ready' in m) {
        ready({
          runtime: m.runtime,
          call: (name, args) =>
            new Promise((done, fail) => {
              if (ended !== null) return fail(new Error(`the core service has stopped (${ended})`));
              const id = nextId++;
              waiting.set(id, { done, fail });
              channel.send({ id, name, args });
            }),
          onEvent: (listener) => (eventListener = listener),
          onCrash: (listener) => (crashListener = listener),
          close: async (graceMs = 5000) => {
            if (ended !== null) return;
            closing = true;
            channel.send({ close: true });
            const timer = setTimeout(() => channel.kill(), graceMs);
            await exitedPromise;
            clearTimeout(timer);
          },
        });
      } else if ('fatal' in m) {
        closing = true;
        failed(new ServiceStartError(m.fatal, m.runtime, m.mismatch));
        channel.kill();
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

/** The service in a worker thread of this process. */
export function startServiceWorker(script: string, init: ServiceInit): Promise<ServiceClient> {
  return connectService(workerChannel(script), init);
}
