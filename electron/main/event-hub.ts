/** Typed fan-out of push events to every connected transport (IPC window, WebSocket clients). */
import type { EventName, Events } from '../shared/api-contract';

export type EventListener = <E extends EventName>(name: E, payload: Events[E]) => void;

export class EventHub {
  private listeners = new Set<EventListener>();

  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(name: E, payload: Events[E]): void {
    for (const l of this.listeners) {
      try {
        l(name, payload);
      } catch (e) {
        console.error(`[berth] listener for ${name} failed:`, e);
      }
    }
  }
}
