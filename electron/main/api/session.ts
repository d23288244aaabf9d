/**
 * One client of the API, whatever carries its messages (a WebSocket in browser mode, Electron IPC
 * in the app): requests answered by the router, streams opened, fed and cancelled, and every push
 * event forwarded. `send` may return a promise that resolves when the client can take more
 * (backpressure for streams).
 */
import type { ClientMessage, ServerMessage } from '../../shared/wire';
import type { EventHub } from '../event-hub';
import type { OpenStream, Router } from './router';

export interface ClientSession {
  onMessage(msg: ClientMessage): Promise<void>;
  /** The client went away: its streams are cancelled, its event subscription dropped. */
  close(): void;
}

export function openSession(router: Router, hub: EventHub, send: (m: ServerMessage) => Promise<void> | void): ClientSession {
  const out = (m: ServerMessage) => Promise.resolve(send(m));
  const off = hub.on((name, payload) => void out({ t: 'event', name, payload }));
  const open = new Map<number, OpenStream>();
  return {
    async onMessage(msg) {
      if (msg.t === 'req') {
        const reply = await router.handle(msg.method, msg.args);
        void out({ t: 'res', id: msg.id, ...reply });
      } else if (msg.t === 'cancel') {
        open.get(msg.id)?.cancel();
      } else if (msg.t === 'input') {
        const invalid = open.get(msg.id)?.input(msg.data);
        if (invalid) void out({ t: 'res', id: -1, ok: false, error: { code: 'INVALID_ARGUMENT', message: `Stream input: ${invalid}` } });
      } else if (!open.has(msg.id)) {
        const stream = router.openStream(msg.name, msg.args, (data) => out({ t: 'chunk', id: msg.id, data }));
        open.set(msg.id, stream);
        const error = await stream.done;
        open.delete(msg.id);
        void out({ t: 'end', id: msg.id, ...(error ? { error } : {}) });
      }
    },
    close() {
      off();
      for (const s of open.values()) s.cancel();
      open.clear();
    },
  };
}

/** A message from an untrusted client, or undefined when it is not one. */
export function parseClientMessage(raw: unknown): ClientMessage | undefined {
  let m: Partial<ClientMessage>;
  try {
    m = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Partial<ClientMessage>;
  } catch {
    return undefined;
  }
  if (typeof m !== 'object' || m === null || !Number.isSafeInteger(m.id)) return undefined;
  return m.t === 'req' || m.t === 'stream' || m.t === 'cancel' || m.t === 'input' ? (m as ClientMessage) : undefined;
}
