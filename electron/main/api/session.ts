/**
 * One client of the API, whatever carries its messages (a WebSocket in browser mode, Electron IPC
 * in the app): requests answered by the router, streams opened, fed and cancelled, and every push
 * event forwarded. `send` may return a promise that resolves when the client can take more
 * (backpressure for streams).
 *
 * A boundary: whatever a client sends and whatever `send` does, `onMessage` never rejects and
 * nothing here throws. A failure becomes an error reply (or the stream's end) and a log line.
 */
import { BerthError } from '../../shared/errors';
import { MAX_MESSAGE_ID, type ClientMessage, type ServerMessage } from '../../shared/wire';
import type { EventHub } from '../event-hub';
import type { OpenStream, Router } from './router';

export interface ClientSession {
  /** Resolves once a request is answered, or once a stream is over; never rejects. */
  onMessage(msg: ClientMessage): Promise<void>;
  /** The client went away: its streams are cancelled, its event subscription dropped. */
  close(): void;
}

const internal = (e: unknown, what: string) => {
  console.error(`[berth] ${what} failed:`, e);
  return new BerthError('INTERNAL', `Berth could not handle this ${what}.`).toPayload();
};

export function openSession(router: Router, hub: EventHub, send: (m: ServerMessage) => Promise<void> | void): ClientSession {
  const out = (m: ServerMessage): Promise<void> => {
    try {
      return Promise.resolve(send(m)).catch((e: unknown) => void internal(e, `${m.t} message to the client`));
    } catch (e) {
      internal(e, `${m.t} message to the client`);
      return Promise.resolve();
    }
  };
  const off = hub.on((name, payload) => void out({ t: 'event', name, payload }));
  const open = new Map<number, OpenStream>();
  let closed = false;

  async function request(msg: Extract<ClientMessage, { t: 'req' }>): Promise<void> {
    const reply = await router.handle(msg.method, msg.args).catch((e: unknown) => ({ ok: false as const, error: internal(e, 'request') }));
    await out({ t: 'res', id: msg.id, ...reply });
  }

  async function stream(msg: Extract<ClientMessage, { t: 'stream' }>): Promise<void> {
    if (open.has(msg.id)) return; // a second start of the same id: the first one goes on
    let error;
    try {
      const s = router.openStream(msg.name, msg.args, (data) => out({ t: 'chunk', id: msg.id, data }));
      open.set(msg.id, s);
      error = await s.done;
    } catch (e) {
      error = internal(e, 'stream');
    }
    open.delete(msg.id);
    await out({ t: 'end', id: msg.id, ...(error ? { error } : {}) });
  }

  return {
    async onMessage(msg) {
      if (closed) return; // late messages of a client that went away open nothing
      try {
        if (msg.t === 'req') await request(msg);
        else if (msg.t === 'stream') await stream(msg);
        else if (msg.t === 'cancel') open.get(msg.id)?.cancel();
        else if (msg.t === 'input') {
          const invalid = open.get(msg.id)?.input(msg.data);
          if (invalid) void out({ t: 'res', id: -1, ok: false, error: { code: 'INVALID_ARGUMENT', message: `Stream input: ${invalid}` } });
        }
      } catch (e) {
        void out({ t: 'res', id: msg.t === 'req' ? msg.id : -1, ok: false, error: internal(e, 'message') });
      }
    },
    close() {
      closed = true;
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
  if (typeof m !== 'object' || m === null || !Number.isInteger(m.id) || m.id! < 0 || m.id! > MAX_MESSAGE_ID) return undefined;
  return m.t === 'req' || m.t === 'stream' || m.t === 'cancel' || m.t === 'input' ? (m as ClientMessage) : undefined;
}
