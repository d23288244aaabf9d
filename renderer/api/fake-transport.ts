/** For unit tests of the client and stores: a Transport answered by a function, with push(). */
import type { Reply, ServerMessage } from '../../electron/shared/wire';
import type { EventName, Events } from '../../electron/shared/api-contract';
import type { Transport } from './client';

export interface FakeTransport extends Transport {
  calls: { method: string; args: unknown }[];
  push<E extends EventName>(name: E, payload: Events[E]): void;
  setConnected(up: boolean): void;
}

export function fakeTransport(answer: (method: string, args: unknown) => Reply | Promise<Reply> | undefined): FakeTransport {
  let onMessage: (m: ServerMessage) => void = () => {};
  let onConnection: (c: boolean) => void = () => {};
  const calls: { method: string; args: unknown }[] = [];
  return {
    calls,
    send(id, method, args) {
      calls.push({ method, args });
      void Promise.resolve(answer(method, args)).then((reply) => reply && onMessage({ t: 'res', id, ...reply }));
    },
    listen(msg, conn) {
      onMessage = msg;
      onConnection = conn;
      return () => {};
    },
    push: (name, payload) => onMessage({ t: 'event', name, payload }),
    setConnected: (up) => onConnection(up),
  };
}
