/**
 * The core service in a worker thread, so SQLite writes, file reads and (later) training never
 * block Electron's main process, which must stay free to draw menus and route input.
 * Messages in: {id, name, args}. Out: {id, result} | {id, error} | {event, data}.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EVENT_NAMES, isCallName } from '../../core/api/contract';
import { openWorkbenchService } from '../../core/service/open-service';

export interface ServiceWorkerData {
  workspacePath: string;
  templatesFolder: string;
  version: string;
}

export type WorkerRequest = { id: number; name: string; args: unknown[] } | { close: true };
export type WorkerMessage = { id: number; result: unknown } | { id: number; error: string } | { event: string; data: unknown } | { ready: true } | { fatal: string };

const port = parentPort!;
const data = workerData as ServiceWorkerData;

try {
  const { service, close } = openWorkbenchService({ ...data, shell: 'electron' });
  service.events.onAny((event, payload) => port.postMessage({ event, data: payload } satisfies WorkerMessage), EVENT_NAMES);
  port.on('message', async (request: WorkerRequest) => {
    if ('close' in request) {
      // Live training runs are stopped (their workers write to the workspace) before it closes.
      void close().finally(() => port.close());
      return;
    }
    if (!isCallName(request.name)) {
      port.postMessage({ id: request.id, error: `unknown call ${JSON.stringify(request.name)}` } satisfies WorkerMessage);
      return;
    }
    try {
      const handler = service[request.name] as (...a: unknown[]) => unknown;
      const result = await handler(...request.args);
      port.postMessage({ id: request.id, result: result ?? null } satisfies WorkerMessage);
    } catch (e) {
      port.postMessage({ id: request.id, error: (e as Error).message } satisfies WorkerMessage);
    }
  });
  port.postMessage({ ready: true } satisfies WorkerMessage);
} catch (e) {
  port.postMessage({ fatal: (e as Error).message } satisfies WorkerMessage);
}
