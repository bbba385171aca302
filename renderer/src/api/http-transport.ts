import { isCallFailure, type ApiTransport } from '../../../core/api/client';
import type { EventName } from '../../../core/api/contract';

const RECONNECT_MS = 1000;

/** The browser host's transport: calls are POST /api/call/<name>, events arrive on one WebSocket. */
export function createHttpTransport(origin: string): ApiTransport {
  const listeners = new Map<EventName, Set<(event: unknown) => void>>();
  let socket: WebSocket | null = null;

  const connect = () => {
    socket = new WebSocket(`${origin.replace(/^http/, 'ws')}/api/events`);
    socket.onmessage = (message) => {
      const { event, data } = JSON.parse(String(message.data)) as { event: EventName; data: unknown };
      for (const listener of listeners.get(event) ?? []) listener(data);
    };
    socket.onclose = () => {
      socket = null;
      setTimeout(connect, RECONNECT_MS);
    };
  };

  return {
    async call(name, args) {
      const response = await fetch(`${origin}/api/call/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(args),
      });
      const body: unknown = await response.json();
      if (isCallFailure(body)) throw new Error(body.error);
      if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
      return (body as { result: unknown }).result;
    },
    subscribe(name, listener) {
      if (!socket) connect();
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  };
}
