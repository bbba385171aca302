import type { EventName, Unsubscribe, WorkbenchEvents } from '../api/contract';

type Listener<K extends EventName> = (event: WorkbenchEvents[K]) => void;

/** Delivers the contract's events to whoever listens (a transport forwards them to its UI). */
export class EventHub {
  private readonly listeners = new Map<EventName, Set<Listener<EventName>>>();

  on<K extends EventName>(name: K, listener: Listener<K>): Unsubscribe {
    const set = this.listeners.get(name) ?? new Set();
    this.listeners.set(name, set);
    set.add(listener as Listener<EventName>);
    return () => set.delete(listener as Listener<EventName>);
  }

  /** Listens to every event (a transport uses this to forward them all). */
  onAny(listener: (name: EventName, event: unknown) => void, names: readonly EventName[]): Unsubscribe {
    const offs = names.map((name) => this.on(name, (e) => listener(name, e)));
    return () => offs.forEach((off) => off());
  }

  emit<K extends EventName>(name: K, event: WorkbenchEvents[K]): void {
    for (const listener of this.listeners.get(name) ?? []) listener(event as WorkbenchEvents[EventName]);
  }
}
