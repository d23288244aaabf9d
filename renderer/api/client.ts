/**
 * Renderer side of the contract. A Transport moves request/reply/event messages (WebSocket in
 * browser mode, IPC in Electron); the client adds typing, ids and error rebuilding.
 * Only stores import this.
 */
import type { ArgsOf, EventName, Events, Method, NoArgMethod, ResultOf } from '../../electron/shared/api-contract';
import { BerthError } from '../../electron/shared/errors';
import type { Reply, ServerMessage } from '../../electron/shared/wire';

export interface Transport {
  send(id: number, method: string, args: unknown): void;
  /** Receives every reply and event; returns a disposer. */
  listen(onMessage: (m: ServerMessage) => void, onConnection: (connected: boolean) => void): () => void;
}

type CallArgs<M extends Method> = M extends NoArgMethod ? [args?: ArgsOf<M>] : [args: ArgsOf<M>];

export interface ApiClient {
  call<M extends Method>(method: M, ...args: CallArgs<M>): Promise<ResultOf<M>>;
  on<E extends EventName>(name: E, fn: (payload: Events[E]) => void): () => void;
  onConnection(fn: (connected: boolean) => void): () => void;
  dispose(): void;
}

export function createClient(transport: Transport): ApiClient {
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: Reply) => void }>();
  const eventListeners = new Map<string, Set<(p: unknown) => void>>();
  const connectionListeners = new Set<(c: boolean) => void>();

  const stop = transport.listen(
    (m) => {
      if (m.t === 'res') {
        const p = pending.get(m.id);
        pending.delete(m.id);
        p?.resolve(m);
      } else if (m.t === 'event') {
        for (const fn of eventListeners.get(m.name) ?? []) fn(m.payload);
      }
    },
    (connected) => {
      if (!connected) {
        // Requests in flight will never be answered: fail them rather than hang the UI.
        for (const [id, p] of pending) {
          pending.delete(id);
          p.resolve({ ok: false, error: { code: 'DISCONNECTED', message: 'Lost the connection to Berth' } });
        }
      }
      for (const fn of connectionListeners) fn(connected);
    },
  );

  return {
    async call(method, ...args) {
      const id = nextId++;
      const reply = await new Promise<Reply>((resolve) => {
        pending.set(id, { resolve });
        transport.send(id, method, args[0] ?? {});
      });
      if (!reply.ok) throw BerthError.fromPayload(reply.error);
      return reply.value as never;
    },
    on(name, fn) {
      let set = eventListeners.get(name);
      if (!set) eventListeners.set(name, (set = new Set()));
      set.add(fn as (p: unknown) => void);
      return () => set!.delete(fn as (p: unknown) => void);
    },
    onConnection(fn) {
      connectionListeners.add(fn);
      return () => connectionListeners.delete(fn);
    },
    dispose: stop,
  };
}
