/** For unit tests of the client and stores: a Transport answered by a function, with push(). */
import type { ClientMessage, Reply, ServerMessage } from '../../electron/shared/wire';
import type { EventName, Events } from '../../electron/shared/api-contract';
import type { Transport } from './client';

export interface FakeTransport extends Transport {
  calls: { method: string; args: unknown }[];
  /** Stream starts and cancels, in order. */
  streamMessages: ClientMessage[];
  /** Sends a server message as if it came over the wire (stream chunks and ends). */
  deliver(m: ServerMessage): void;
  push<E extends EventName>(name: E, payload: Events[E]): void;
  setConnected(up: boolean): void;
}

export function fakeTransport(answer: (method: string, args: unknown) => Reply | Promise<Reply> | undefined): FakeTransport {
  let onMessage: (m: ServerMessage) => void = () => {};
  let onConnection: (c: boolean) => void = () => {};
  const calls: { method: string; args: unknown }[] = [];
  const streamMessages: ClientMessage[] = [];
  return {
    calls,
    streamMessages,
    send(m) {
      if (m.t !== 'req') return void streamMessages.push(m);
      calls.push({ method: m.method, args: m.args });
      void Promise.resolve(answer(m.method, m.args)).then((reply) => reply && onMessage({ t: 'res', id: m.id, ...reply }));
    },
    deliver: (m) => onMessage(m),
    listen(msg, conn) {
      onMessage = msg;
      onConnection = conn;
      return () => {};
    },
    push: (name, payload) => onMessage({ t: 'event', name, payload }),
    setConnected: (up) => onConnection(up),
  };
}
