/**
 * The core service as an Electron utilityProcess: a Node.js child process on Electron's own
 * runtime, the packaged app's way (no separate Node there; its native modules are rebuilt for
 * Electron by `electron-builder install-app-deps`). The service reads `process.parentPort`.
 */
import { utilityProcess } from 'electron';
import { exitOnce, type ServiceChannel } from './service-client';
import type { ServiceMessage } from './service-protocol';

export function utilityChannel(script: string): ServiceChannel {
  const child = utilityProcess.fork(script, [], { serviceName: 'CNN Workbench core service', stdio: 'inherit' });
  const exit = exitOnce();
  child.on('exit', (code) => exit.end(`exit code ${code}`));
  return {
    description: `Electron ${process.versions.electron}'s utility process`,
    send: (request) => child.postMessage(request),
    onMessage: (listener) => child.on('message', (m: ServiceMessage) => listener(m)),
    onExit: exit.onExit,
    kill: () => void child.kill(),
  };
}
