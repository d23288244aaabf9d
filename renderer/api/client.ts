/**
 * Renderer side of the contract. A Transport moves request/reply/event messages (WebSocket in
 * browser mode, IPC in Electron); the client adds typing, ids and error rebuilding.
 * Only stores import this.
 */
import type { ArgsOf, ChunkOf, EventName, Events, InputOf, Method, NoArgMethod, ResultOf, StreamArgsOf, StreamName } from '../../electron/shared/api-contract';
import { BerthError } from '../../electron/shared/errors';
import type { ClientMessage, Reply, ServerMessage } from '../../electron/shared/wire';

export interface Transport {
  send(message: ClientMessage): void;
  /** Receives every reply and event; returns a disposer. */
  listen(onMessage: (m: ServerMessage) => void, onConnection: (connected: boolean) => void): () => void;
}

type CallArgs<M extends Method> = M extends NoArgMethod ? [args?: ArgsOf<M>] : [args: ArgsOf<M>];

export interface ApiClient {
  call<M extends Method>(method: M, ...args: CallArgs<M>): Promise<ResultOf<M>>;
  on<E extends EventName>(name: E, fn: (payload: Events[E]) => void): () => void;
  onConnection(fn: (connected: boolean) => void): () => void;
  /** Opens a stream. `onEnd` gets the error when it did not end normally. */
  stream<S extends StreamName>(name: S, args: StreamArgsOf<S>, on: StreamCallbacks<ChunkOf<S>>): StreamHandle<InputOf<S>>;
  dispose(): void;
}

export interface StreamHandle<I> {
  cancel: () => void;
  /** Input for the stream (a terminal's keystrokes, resize, acks); dropped once it has ended. */
  send: (input: I) => void;
}

export interface StreamCallbacks<C> {
  onData(chunk: C): void;
  onEnd(error?: BerthError): void;
}

export function createClient(transport: Transport): ApiClient {
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: Reply) => void }>();
  const eventListeners = new Map<string, Set<(p: unknown) => void>>();
  const connectionListeners = new Set<(c: boolean) => void>();
  const streams = new Map<number, StreamCallbacks<unknown>>();

  const stop = transport.listen(
    (m) => {
      if (m.t === 'res') {
        const p = pending.get(m.id);
        pending.delete(m.id);
        p?.resolve(m);
      } else if (m.t === 'event') {
        for (const fn of eventListeners.get(m.name) ?? []) fn(m.payload);
      } else if (m.t === 'chunk') {
        streams.get(m.id)?.onData(m.data);
      } else if (m.t === 'end') {
        const s = streams.get(m.id);
        streams.delete(m.id);
        s?.onEnd(m.error ? BerthError.fromPayload(m.error) : undefined);
      }
    },
    (connected) => {
      if (!connected) {
        // Requests in flight will never be answered: fail them rather than hang the UI.
        for (const [id, p] of pending) {
          pending.delete(id);
          p.resolve({ ok: false, error: { code: 'DISCONNECTED', message: 'Lost the connection to Berth' } });
        }
        for (const [id, s] of streams) {
          streams.delete(id);
          s.onEnd(new BerthError('DISCONNECTED', 'Lost the connection to Berth'));
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
        transport.send({ t: 'req', id, method, args: args[0] ?? {} });
      });
      if (!reply.ok) throw BerthError.fromPayload(reply.error);
      return reply.value;
    },
    on(name, fn) {
      let set = eventListeners.get(name);
      if (!set) eventListeners.set(name, (set = new Set()));
      set.add(fn as (p: unknown) => void);
      return () => set.delete(fn as (p: unknown) => void);
    },
    onConnection(fn) {
      connectionListeners.add(fn);
      return () => connectionListeners.delete(fn);
    },
    stream(name, args, on) {
      const id = nextId++;
      streams.set(id, on);
      transport.send({ t: 'stream', id, name, args });
      return {
        cancel: () => {
          if (streams.delete(id)) transport.send({ t: 'cancel', id });
        },
        send: (data) => {
          if (streams.has(id)) transport.send({ t: 'input', id, data });
        },
      };
    },
    dispose: stop,
  };
}
