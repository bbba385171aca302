/**
 * The core service's entry (out/main/service-worker.js): core/service behind the typed contract,
 * in a process (or thread) of its own so SQLite writes, file reads and training never block
 * Electron's main process, and a crash here leaves the window up. Started as a forked child
 * process, a utilityProcess or a worker thread (service-port.ts). Messages: service-protocol.ts.
 */
import { EVENT_NAMES, isCallName } from '../../core/api/contract';
import { openWorkbenchService, type OpenedService } from '../../core/service/open-service';
import { checkBetterSqlite3, serviceRuntime } from './native-modules';
import { serviceParentPort } from './service-port';
import type { ServiceInit, ServiceRequest } from './service-protocol';

const port = serviceParentPort();
const runtime = serviceRuntime();
let opened: OpenedService | null = null;
let closing: Promise<void> | null = null;

function start(init: ServiceInit): void {
  try {
    const mismatch = checkBetterSqlite3();
    if (mismatch) {
      port.post({ fatal: `better-sqlite3 was built for NODE_MODULE_VERSION ${mismatch.builtFor}; this runtime needs ${mismatch.runtimeNeeds}`, runtime, mismatch });
      return;
    }
    opened = openWorkbenchService({ ...init, shell: 'electron' });
  } catch (e) {
    port.post({ fatal: (e as Error).message, runtime, mismatch: null });
    return;
  }
  opened.service.events.onAny((event, data) => port.post({ event, data }), EVENT_NAMES);
  port.post({ ready: true, runtime });
}

/** Live training runs are stopped (their workers write to the workspace) before it closes. */
function close(): Promise<void> {
  closing ??= (opened ? opened.close() : Promise.resolve()).finally(() => port.exit());
  return closing;
}

async function answer(request: { id: number; name: string; args: unknown[] }): Promise<void> {
  if (!opened) return port.post({ id: request.id, error: 'the core service has not started' });
  if (!isCallName(request.name)) return port.post({ id: request.id, error: `unknown call ${JSON.stringify(request.name)}` });
  try {
    const handler = opened.service[request.name] as (...a: unknown[]) => unknown;
    const result = await handler(...request.args);
    port.post({ id: request.id, result: result ?? null });
  } catch (e) {
    port.post({ id: request.id, error: (e as Error).message });
  }
}

port.onMessage((request: ServiceRequest) => {
  if ('init' in request) start(request.init);
  else if ('close' in request) void close();
  else void answer(request);
});
port.onOrphaned(() => void close());
port.post({ listening: true });
