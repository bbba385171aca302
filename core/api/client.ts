import { CALL_NAMES, EVENT_NAMES, type CallName, type EventName, type Unsubscribe, type WorkbenchApi } from './contract';

/** What a transport must do to carry the contract: one request/response call, one event subscription. */
export interface ApiTransport {
  call(name: CallName, args: unknown[]): Promise<unknown>;
  subscribe(name: EventName, listener: (event: unknown) => void): Unsubscribe;
}

/** Builds the typed WorkbenchApi over any transport (Electron IPC, HTTP + WebSocket, a test double). */
export function createApiClient(transport: ApiTransport): WorkbenchApi {
  const api: Record<string, unknown> = {};
  for (const name of CALL_NAMES) api[name] = (...args: unknown[]) => transport.call(name, args);
  for (const name of EVENT_NAMES) api[name] = (listener: (event: unknown) => void) => transport.subscribe(name, listener);
  return api as WorkbenchApi;
}

/** A failed call as it crosses a transport: the message only, never a stack. */
export interface CallFailure {
  error: string;
}

export function isCallFailure(x: unknown): x is CallFailure {
  return typeof x === 'object' && x !== null && typeof (x as CallFailure).error === 'string';
}
